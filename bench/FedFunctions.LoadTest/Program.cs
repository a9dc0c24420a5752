// The end-to-end comparison of fed-functions (on Azurite) with a real Prometheus 2.42, both scraping
// the same loopback targets that serve the node_exporter fixture (200 targets: about 100k series).
// Run: bench/e2e-load.sh [targets] [requests] [inline|workers|both]   (builds the app in Release first)
// The app runs in two variants on one Azurite, one after the other (never scraping at the same time):
// "workers" (a scheduler fanning shards of 100 targets out over the queue to two worker processes) and
// "inline" (one process scraping every target itself). Each does 4 timed scrape runs (the first is cold)
// with its storage requests and bytes per run, then /federate is timed on it. Prometheus then starts, and
// /federate is timed path by path (text, gzip, protobuf, selective) against the last variant, alternating
// requests between the two, so their ratio comes from the same moments on a shared machine.
using System.Diagnostics;
using System.Globalization;
using FedFunctions.LoadTest;
using FedFunctions.TestSupport;

var wall = Stopwatch.StartNew();
var targets = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var which = args.Length > 2 ? args[2] : "both";
if (which is not ("inline" or "workers" or "both")) throw new ArgumentException($"third argument: inline, workers or both, not '{which}'");
string[] everything = ["{__name__=~\".+\"}"];
string[] selective = ["node_cpu_seconds_total{mode=\"idle\"}", "node_load1"];
const int runCount = 4; // the first is cold and left out of the medians
const int workerCount = 2;

var handler = Path.Combine(RepoPaths.RepoRoot, "src", "Functions", "bin", "Release", "net10.0", "FedFunctions.Functions.dll");
if (!File.Exists(handler)) throw new InvalidOperationException("build the app first: dotnet build src/Functions -c Release");

await using var servers = await TargetServer.StartAsync(targets);
servers.Serve("/metrics", new TargetResponse(RepoPaths.Fixture("node_exporter-1.5.0.txt")));
var targetList = string.Join(", ", servers.HostPorts.Select(h => $"'{h}'"));
targets = servers.HostPorts.Count;
Console.WriteLine($"load: {targets} targets serving node_exporter-1.5.0.txt; variants: {which}");

// Answers over 1.5M series (3,000 targets) take minutes on a loaded machine: 5 min, or 1 min per 200 targets.
var httpTimeout = TimeSpan.FromMinutes(Math.Max(5, targets / 200.0));
await using var azurite = await AzuriteServer.StartAsync();
var setup = new AppSetup(handler, azurite, servers.HostPorts, httpTimeout);
var reports = new List<Report>();
AppVariant? front = null; // the variant /federate is compared on, path by path

try
{
    // --- fed-functions on Azurite, one variant after the other ---------------------------------------
    // Workers first: on a fresh Azurite every target is due in its longer interval; inline's 5 s slots come round soon after.
    if (which is "workers" or "both")
    {
        var variant = AppVariant.StartWorkers(setup, workerCount);
        reports.Add(await MeasureVariantAsync(variant, $"1 scheduler (shard size {AppVariant.ShardSize}, no worker) + {workerCount} workers (1 shard at a time each)"));
        if (which == "both") variant.Dispose();
        else front = variant;
    }
    if (which is "inline" or "both")
    {
        var variant = AppVariant.StartInline(setup);
        reports.Insert(0, await MeasureVariantAsync(variant, "1 (shard size 0)"));
        front = variant;
    }
    var ours = front!;
    // The app's part on its own, in case a long run is stopped during Prometheus' (the full table follows at the end).
    Console.WriteLine();
    Console.WriteLine(Report.Table(reports, targets));

    // --- Prometheus 2.42 --------------------------------------------------------------------------
    // 10 s between scrapes up to 1,000 targets; more targets scrape less often, so the two cores are not all Prometheus'.
    var interval = Math.Max(10, targets / 100);
    await using var prometheus = await PrometheusServer.StartAsync(
        $"global:\n  scrape_interval: {interval}s\n  scrape_timeout: 10s\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: [{targetList}]\n");
    using var prometheusHttp = new HttpClient { BaseAddress = new Uri(prometheus.BaseAddress), Timeout = httpTimeout };
    {
        await prometheus.WaitForTargetsAsync(targets, TimeSpan.FromSeconds(60 + targets / 50));
        var pid = int.Parse(FindPid(prometheus), CultureInfo.InvariantCulture);
        await Task.Delay(TimeSpan.FromSeconds(interval + 2)); // past the first, series-creating round
        var appended0 = await OwnMetric(prometheus, "prometheus_tsdb_head_samples_appended_total");
        var cpu0 = ProcessStats.CpuSeconds(pid);
        await Task.Delay(TimeSpan.FromSeconds(3 * interval)); // three steady scrape rounds
        var appended = await OwnMetric(prometheus, "prometheus_tsdb_head_samples_appended_total") - appended0;
        var cpu = ProcessStats.CpuSeconds(pid) - cpu0;
        var longest = await Scalar(prometheus, "max(scrape_duration_seconds)");
        var seriesCount = (long)await OwnMetric(prometheus, "prometheus_tsdb_head_series");
        var (coldAll, allLatency, allBytes, _) = await Latency.MeasureAsync(prometheusHttp, everything, requests);
        var (_, selLatency, selBytes, _) = await Latency.MeasureAsync(prometheusHttp, selective, requests);
        reports.Add(new Report("Prometheus 2.42", "1", longest, double.NaN, cpu / appended * 100_000, double.NaN, allLatency, selLatency, coldAll,
            allBytes, selBytes, ProcessStats.PeakMemoryMiB(pid).ToString("0", CultureInfo.InvariantCulture), double.NaN, seriesCount, null, "n/a"));
    }

    // --- /federate path by path, both servers up, requests alternating ---------------------------------
    List<PathResult> paths = [];
    foreach (var path in FederatePath.All)
    {
        // Fresh snapshots for ours (inside the 5 min lookback), untimed.
        paths.Add(await PathResult.MeasureAsync(path, ours.Front.Http, prometheusHttp, requests, async () => await ours.RunAsync()));
        if (path.IsSelective) paths.Add(await PathResult.MeasureInBlocksAsync(path, ours.Front.Http, prometheusHttp));
    }

    Console.WriteLine();
    Console.WriteLine(Report.Table(reports, targets));
    Console.WriteLine(PathResult.Table(paths, targets, reports[0].Series) + $"(fed-functions: {ours.Name})");
    Console.WriteLine();
    Console.WriteLine($"wall time: {wall.Elapsed.TotalMinutes:0.0} min");
    return 0;
}
finally
{
    front?.Dispose();
}

// Starts a variant's processes, times its scrape runs (storage counted on every process), then /federate on its front.
async Task<Report> MeasureVariantAsync(AppVariant variant, string processes)
{
    Console.WriteLine($"{variant.Name}: starting ({processes}), scrape interval {variant.Interval.TotalSeconds:0}s");
    try
    {
        await variant.WaitReadyAsync();
        var runs = new List<RunMeasurement>();
        for (var run = 0; run < runCount; run++)
        {
            var m = await variant.RunAsync();
            runs.Add(m);
            Console.WriteLine($"{variant.Name} run {run + 1}: {m.Seconds:0.000}s" + (m.ShardsSent > 0 ? $", {m.ShardsSent} shards ({m.ShardsRetried} tries failed and retried)" : $", {m.Series} series") +
                              $", app cpu {m.AppCpuSeconds:0.00}s, azurite cpu {m.AzuriteCpuSeconds:0.00}s; {m.Storage.Summary()}");
        }
        var http = variant.Front.Http;
        var (coldAll, allLatency, allBytes, allSeries) = await Latency.MeasureAsync(http, everything, requests);
        var before = await ServerTimes(http);
        var (_, selLatency, selBytes, _) = await Latency.MeasureAsync(http, selective, requests);
        var after = await ServerTimes(http);
        // Where the selective request's time goes, from the app's own histograms (sum/count deltas).
        Console.WriteLine($"{variant.Name} selective, server side per request: storage+select {(after.Read - before.Read) / (after.Count - before.Count) * 1000:0.0} ms, " +
                          $"whole request {(after.Request - before.Request) / (after.Count - before.Count) * 1000:0.0} ms");
        var series = runs[^1].Series >= 0 ? runs[^1].Series : allSeries;
        if (allSeries != series) Console.WriteLine($"{variant.Name}: the run wrote {series} series, /federate served {allSeries}");
        var warm = runs.Skip(1).ToList();
        return new Report(variant.Name, processes, warm.Select(r => r.Seconds).Median(), runs[0].Seconds,
            warm.Select(r => r.AppCpuSeconds).Median() / series * 100_000, warm.Select(r => r.AzuriteCpuSeconds).Median() / series * 100_000,
            allLatency, selLatency, coldAll, allBytes, selBytes, variant.PeakMemory(), ProcessStats.PeakMemoryMiB(azurite.ProcessId), series,
            StorageUse.Mean(warm.Select(r => r.Storage).ToList()), variant.Processes.Count > 1 ? warm.Sum(r => r.ShardsRetried).ToString(CultureInfo.InvariantCulture) : "n/a");
    }
    catch
    {
        foreach (var p in variant.Processes)
            Console.WriteLine($"--- {p.Role} output (last 3000 chars) ---\n{p.Process.Output[^Math.Min(p.Process.Output.Length, 3000)..]}");
        variant.Dispose();
        throw;
    }
}

static string FindPid(PrometheusServer server)
{
    // The PrometheusServer owns the process; find it by its listen address in /proc.
    foreach (var dir in Directory.EnumerateDirectories("/proc"))
    {
        var name = Path.GetFileName(dir);
        if (!name.All(char.IsDigit)) continue;
        try
        {
            var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
            if (cmdline.Contains("prometheus", StringComparison.Ordinal) && cmdline.Contains(server.HostPort, StringComparison.Ordinal)) return name;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
    throw new InvalidOperationException("prometheus process not found");
}

static async Task<(double Read, double Request, double Count)> ServerTimes(HttpClient http)
{
    var text = await http.GetStringAsync("/metrics");
    double Value(string prefix) => text.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    return (Value("fedfunctions_storage_operation_duration_seconds_sum{operation=\"federate_read\"}"),
            Value("fedfunctions_federate_request_duration_seconds_sum "),
            Value("fedfunctions_federate_request_duration_seconds_count "));
}

// Prometheus' own metrics (it does not scrape itself in this config), summed over label sets.
static async Task<double> OwnMetric(PrometheusServer server, string name)
{
    var text = await server.Http.GetStringAsync("/metrics");
    return text.Split('\n')
        .Where(l => l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}

static async Task<double> Scalar(PrometheusServer server, string query)
{
    var result = await server.QueryAsync(query);
    return double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
}
