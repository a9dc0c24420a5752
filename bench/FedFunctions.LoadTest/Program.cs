// The end-to-end comparison of fed-functions (on Azurite) with a real Prometheus 2.42, both scraping
// the same loopback targets that serve the node_exporter fixture (200 targets: about 100k series).
// Run: bench/e2e-load.sh [targets] [requests]   (builds the app in Release, then runs this program in its standalone mode)
// Both servers stay up to the end; /federate is then timed path by path (text, gzip, protobuf, selective),
// alternating requests between the two, so their ratio comes from the same moments on a shared machine.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using FedFunctions.LoadTest;
using FedFunctions.TestSupport;

var targets = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
string[] everything = ["{__name__=~\".+\"}"];
string[] selective = ["node_cpu_seconds_total{mode=\"idle\"}", "node_load1"];

var handler = Path.Combine(RepoPaths.RepoRoot, "src", "Functions", "bin", "Release", "net10.0", "FedFunctions.Functions.dll");
if (!File.Exists(handler)) throw new InvalidOperationException("build the app first: dotnet build src/Functions -c Release");

await using var servers = await TargetServer.StartAsync(targets);
servers.Serve("/metrics", new TargetResponse(RepoPaths.Fixture("node_exporter-1.5.0.txt")));
var targetList = string.Join(", ", servers.HostPorts.Select(h => $"'{h}'"));
targets = servers.HostPorts.Count;
Console.WriteLine($"load: {servers.HostPorts.Count} targets serving node_exporter-1.5.0.txt");

Report ours, theirs;
List<PathResult> paths = [];

// --- fed-functions on Azurite -----------------------------------------------------------------
await using var azurite = await AzuriteServer.StartAsync();
var (app, appAddress) = await StartAppAsync();
using var appProcess = app;
using var http = new HttpClient { BaseAddress = new Uri(appAddress), Timeout = TimeSpan.FromMinutes(5) };
{
    await Poll.UntilAsync(async () => (await http.GetAsync("/")).IsSuccessStatusCode ? "ready" : null, TimeSpan.FromSeconds(30), "the app");

    var runs = new List<double>();
    var cpuPerRun = new List<double>();
    var azuriteCpuPerRun = new List<double>();
    var series = 0L;
    for (var run = 0; run < 4; run++)
    {
        await Task.Delay(5100);
        var cpu = ProcessStats.CpuSeconds(app.Id);
        var azuriteCpu = ProcessStats.CpuSeconds(azurite.ProcessId);
        var watch = Stopwatch.StartNew();
        var (_, written) = await ScrapeRunAsync();
        watch.Stop();
        series = written;
        runs.Add(watch.Elapsed.TotalSeconds);
        cpuPerRun.Add(ProcessStats.CpuSeconds(app.Id) - cpu);
        azuriteCpuPerRun.Add(ProcessStats.CpuSeconds(azurite.ProcessId) - azuriteCpu);
        Console.WriteLine($"fed-functions run {run + 1}: {watch.Elapsed.TotalSeconds:0.000}s, {series} series, app cpu {cpuPerRun[^1]:0.00}s, azurite cpu {azuriteCpuPerRun[^1]:0.00}s");
    }

    var (coldAll, allLatency, allBytes) = await Latency.MeasureAsync(http, everything, requests);
    var before = await ServerTimes(http);
    var (coldSel, selLatency, selBytes) = await Latency.MeasureAsync(http, selective, requests);
    var after = await ServerTimes(http);
    // Where the selective request's time goes, from the app's own histograms (sum/count deltas).
    Console.WriteLine($"fed-functions selective, server side per request: storage+select {(after.Read - before.Read) / (after.Count - before.Count) * 1000:0.0} ms, " +
                      $"whole request {(after.Request - before.Request) / (after.Count - before.Count) * 1000:0.0} ms");
    ours = new Report("fed-functions (+Azurite)", runs.Skip(1).Median(), cpuPerRun.Skip(1).Median() / series * 100_000,
        azuriteCpuPerRun.Skip(1).Median() / series * 100_000, allLatency, selLatency, coldAll, allBytes, selBytes,
        ProcessStats.PeakMemoryMiB(app.Id), ProcessStats.PeakMemoryMiB(azurite.ProcessId), series);
}

// --- Prometheus 2.42 --------------------------------------------------------------------------
// 10 s between scrapes up to 1,000 targets; more targets scrape less often, so the two cores are not all Prometheus'.
var interval = Math.Max(10, targets / 100);
await using var prometheus = await PrometheusServer.StartAsync(
    $"global:\n  scrape_interval: {interval}s\n  scrape_timeout: 10s\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: [{targetList}]\n");
using var prometheusHttp = new HttpClient { BaseAddress = new Uri(prometheus.BaseAddress), Timeout = TimeSpan.FromMinutes(5) };
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
    var (coldAll, allLatency, allBytes) = await Latency.MeasureAsync(prometheusHttp, everything, requests);
    var (_, selLatency, selBytes) = await Latency.MeasureAsync(prometheusHttp, selective, requests);
    theirs = new Report("Prometheus 2.42", longest, cpu / appended * 100_000, double.NaN, allLatency, selLatency, coldAll, allBytes, selBytes,
        ProcessStats.PeakMemoryMiB(pid), double.NaN, seriesCount);
}

// --- /federate path by path, both servers up, requests alternating ---------------------------------
foreach (var path in FederatePath.All)
{
    // Fresh snapshots for ours (inside the 5 min lookback), untimed.
    paths.Add(await PathResult.MeasureAsync(path, http, prometheusHttp, requests, async () => await ScrapeRunAsync()));
}

Console.WriteLine();
Console.WriteLine(Report.Table(ours, theirs));
Console.WriteLine(PathResult.Table(paths, targets, ours.Series));
return 0;

async Task<(ManagedProcess Process, string Address)> StartAppAsync()
{
    var dir = Directory.CreateTempSubdirectory("fedfn-load-").FullName;
    var config = Path.Combine(dir, "prometheus.yml");
    // A short interval so every manual run finds every target due.
    await File.WriteAllTextAsync(config, $"global:\n  scrape_interval: 5s\n  scrape_timeout: 5s\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: [{targetList}]\n");
    var port = FreePort.Next();
    var process = new ManagedProcess("dotnet", [handler, "--urls", $"http://127.0.0.1:{port}"], dir, new Dictionary<string, string>
    {
        ["FederationStorage"] = azurite.ConnectionString,
        ["Federation__ConfigPath"] = config,
        ["ScrapeSchedule"] = "0 0 0 1 1 *",
        ["Federation__MaxConcurrency"] = "64",
        // Inline runs: the numbers are one process's scrape run (fan-out over the queue is measured apart).
        ["Federation__ShardSize"] = "0",
    });
    return (process, $"http://127.0.0.1:{port}");
}

// One scrape run that must find every target up; on a machine busy enough to time scrapes out, up to
// three tries, each after the interval, so the failed targets are due again.
async Task<(string Body, long Series)> ScrapeRunAsync()
{
    for (var attempt = 1; ; attempt++)
    {
        using var response = await http.PostAsync("/-/scrape", content: null);
        var body = await response.Content.ReadAsStringAsync();
        using var summary = System.Text.Json.JsonDocument.Parse(body);
        // A successful run answers the summary itself; a failed one wraps it with the error.
        var run = summary.RootElement.TryGetProperty("summary", out var inner) ? inner : summary.RootElement;
        if (response.IsSuccessStatusCode && run.GetProperty("targetsUp").GetInt32() == targets)
            return (body, run.GetProperty("seriesWritten").GetInt64());
        if (attempt == 3) throw new InvalidOperationException("scrape run failed: " + body);
        Console.WriteLine($"scrape run {attempt} incomplete, retrying: {body[..Math.Min(body.Length, 300)]}");
        await Task.Delay(TimeSpan.FromSeconds(5.1));
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
