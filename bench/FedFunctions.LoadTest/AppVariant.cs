using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FedFunctions.TestSupport;

namespace FedFunctions.LoadTest;

/// <summary>What every process of the app is started with: the built app, the storage and the targets.</summary>
internal sealed record AppSetup(string Handler, AzuriteServer Azurite, IReadOnlyList<string> Targets, TimeSpan HttpTimeout);

/// <summary>One process of a variant and a client for its HTTP endpoints.</summary>
internal sealed record AppProcess(string Role, ManagedProcess Process, HttpClient Http) : IDisposable
{
    public void Dispose()
    {
        Http.Dispose();
        Process.Dispose();
    }
}

/// <summary>One measured scrape run: from <c>POST /-/scrape</c> until every target is stored, and what it cost.</summary>
/// <param name="Series">Series written, when the run says it (inline); -1 when workers wrote them.</param>
/// <param name="ShardsRetried">Shard tries that failed and were retried in the run (their requests are in <paramref name="Storage"/>).</param>
internal sealed record RunMeasurement(double Seconds, long Series, double AppCpuSeconds, double AzuriteCpuSeconds, StorageUse Storage, int ShardsSent, int ShardsRetried);

/// <summary>
/// AppVariant is one way of running fed-functions on the shared Azurite: <b>inline</b> (one standalone process,
/// <c>Federation__ShardSize=0</c>) or <b>workers</b> (a scheduler with <c>Federation__ShardSize=100</c> and
/// <c>Federation__QueueWorkers=0</c>, and worker processes with <c>Federation__LocalScheduler=false</c>). The first
/// process serves <c>POST /-/scrape</c> and <c>/federate</c>. No process has a timer (the schedule is once a year):
/// the app scrapes only when this program asks, so variants never scrape during each other's runs.
/// </summary>
internal sealed class AppVariant : IDisposable
{
    public const int ShardSize = 100;

    private readonly AppSetup _setup;
    private readonly List<AppProcess> _processes;
    private long? _lastRunEndMs;

    private AppVariant(string name, AppSetup setup, TimeSpan interval, List<AppProcess> processes)
    {
        Name = name;
        _setup = setup;
        Interval = interval;
        _processes = processes;
    }

    public string Name { get; }

    /// <summary>Interval is the scrape interval of the variant's configuration: a run is due once per interval slot.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Front serves <c>POST /-/scrape</c> and <c>/federate</c>.</summary>
    public AppProcess Front => _processes[0];

    public IReadOnlyList<AppProcess> Processes => _processes;

    private bool FansOut => _processes.Count > 1;

    /// <summary>
    /// Inline: one process scraping every target itself. The interval is 5 s, so every run 5 s after the last finds
    /// every target due again (inline runs never expire).
    /// </summary>
    public static AppVariant StartInline(AppSetup setup)
    {
        var interval = TimeSpan.FromSeconds(5);
        var dir = WriteConfig(setup, interval);
        return new AppVariant("inline (1 process)", setup, interval,
        [
            Start(setup, dir, "inline", new() { ["Federation__ShardSize"] = "0", ["Federation__QueueWorkers"] = "0" }),
        ]);
    }

    /// <summary>
    /// A scheduler and <paramref name="workers"/> worker processes (one shard at a time each, the default). A shard older
    /// than its targets' interval is dropped unscraped, so the interval grows with the targets (60 s up to 600 targets,
    /// then targets/10 s: 100 s at 1,000, 300 s at 3,000) to leave the workers time to drain every shard of a run even on
    /// a loaded machine, where a shard of 100 targets took 8-9 s and a snapshot write could time out (a retry 5 s later).
    /// On a quiet machine <c>LOADTEST_WORKERS_INTERVAL</c> (seconds) sets it shorter, so a 3,000-target run takes less time.
    /// </summary>
    public static AppVariant StartWorkers(AppSetup setup, int workers)
    {
        var interval = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("LOADTEST_WORKERS_INTERVAL"), out var seconds) && seconds > 0
            ? seconds
            : Math.Max(60, setup.Targets.Count / 10));
        var dir = WriteConfig(setup, interval);
        var processes = new List<AppProcess>
        {
            Start(setup, dir, "scheduler", new() { ["Federation__ShardSize"] = ShardSize.ToString(CultureInfo.InvariantCulture), ["Federation__QueueWorkers"] = "0" }),
        };
        for (var i = 1; i <= workers; i++)
            processes.Add(Start(setup, dir, $"worker {i}", new() { ["Federation__LocalScheduler"] = "false" }));
        return new AppVariant($"{workers} workers (+ scheduler)", setup, interval, processes);
    }

    public async Task WaitReadyAsync()
    {
        foreach (var p in _processes)
            await Poll.UntilAsync(async () => (await p.Http.GetAsync("/")).IsSuccessStatusCode ? "ready" : null, TimeSpan.FromSeconds(60), p.Role);
    }

    /// <summary>
    /// RunAsync measures one scrape run that must find every target due and up: on a machine busy enough to time scrapes
    /// out (or expire a shard), up to three tries, each in the next interval slot. Inline, the run ends with the answer
    /// to <c>POST /-/scrape</c>; fanned out, that answer comes once the shards are sent, and the run ends when the workers
    /// counted every sent shard completed (their <c>/metrics</c> polled every 200 ms, for at most the interval + 30 s).
    /// </summary>
    public async Task<RunMeasurement> RunAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            await WaitForNextSlotAsync();
            var (measurement, problem) = await TryRunAsync();
            _lastRunEndMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (measurement is not null) return measurement;
            if (attempt == 3) throw new InvalidOperationException($"{Name}: scrape run failed: {problem}");
            Console.WriteLine($"{Name}: scrape run {attempt} incomplete, retrying in the next interval: {problem}");
        }
    }

    private async Task<(RunMeasurement? Measurement, string? Problem)> TryRunAsync()
    {
        var targets = _setup.Targets.Count;
        var all = _processes.Select(p => p.Http).ToArray();
        var before = await AppCounters.ReadAsync(all);
        var cpu0 = _processes.Sum(p => ProcessStats.CpuSeconds(p.Process.Id));
        var azuriteCpu0 = ProcessStats.CpuSeconds(_setup.Azurite.ProcessId);
        var watch = Stopwatch.StartNew();

        using var response = await Front.Http.PostAsync("/-/scrape", content: null);
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        // A successful run answers the summary itself; a failed one wraps it with the error.
        var run = json.RootElement.TryGetProperty("summary", out var inner) ? inner : json.RootElement;
        var shown = body[..Math.Min(body.Length, 300)];
        if (!response.IsSuccessStatusCode || run.ValueKind != JsonValueKind.Object) return (null, shown);
        var up = run.GetProperty("targetsUp").GetInt32();
        var sent = run.TryGetProperty("shardsSent", out var s) ? s.GetInt32() : 0;
        var targetsSent = run.TryGetProperty("targetsSent", out var t) ? t.GetInt32() : 0;
        if (up + targetsSent != targets) return (null, shown);
        if (FansOut && sent == 0) return (null, "the scheduler sent no shards: " + shown);

        if (sent > 0)
        {
            var problem = await WaitForShardsAsync(before, sent);
            if (problem is not null) return (null, problem);
        }
        watch.Stop();

        var cpu = _processes.Sum(p => ProcessStats.CpuSeconds(p.Process.Id)) - cpu0;
        var azuriteCpu = ProcessStats.CpuSeconds(_setup.Azurite.ProcessId) - azuriteCpu0;
        var delta = (await AppCounters.ReadAsync(all)).Minus(before);
        // A shard try that failed (a snapshot write timed out on a loaded machine) is retried whole: its targets count twice.
        var scrapedUp = delta.Value(AppCounters.TargetScrapes, ("outcome", "success"));
        var scrapedDown = delta.Value(AppCounters.TargetScrapes, ("outcome", "failure"));
        if (scrapedUp < targets || scrapedDown > 0) return (null, $"{scrapedUp} target scrapes up, {scrapedDown} down for {targets} targets");
        var retried = (int)delta.Value(AppCounters.ShardMessages, ("outcome", "failed"));
        var series = sent > 0 ? -1 : run.GetProperty("seriesWritten").GetInt64();
        return (new RunMeasurement(watch.Elapsed.TotalSeconds, series, cpu, azuriteCpu, StorageUse.From(delta), sent, retried), null);
    }

    /// <summary>Waits until the workers' <c>completed</c> shard messages grew by <paramref name="sent"/>; the problem otherwise.</summary>
    private async Task<string?> WaitForShardsAsync(AppCounters before, int sent)
    {
        var deadline = Stopwatch.StartNew();
        var limit = Interval + TimeSpan.FromSeconds(30);
        double completed = 0, dropped = 0;
        while (deadline.Elapsed < limit)
        {
            // Every process's counters are read (before was too), so the scheduler's zero deltas do not disturb these.
            var delta = (await AppCounters.ReadAsync(_processes.Select(p => p.Http))).Minus(before);
            completed = delta.Value(AppCounters.ShardMessages, ("outcome", "completed"));
            dropped = delta.Value(AppCounters.ShardMessages, ("outcome", "expired")) + delta.Value(AppCounters.ShardMessages, ("outcome", "poisoned"));
            if (completed >= sent) return null;
            if (completed + dropped >= sent) return $"{completed} of {sent} shards completed, {dropped} expired or poisoned";
            await Task.Delay(200);
        }
        return $"{completed} of {sent} shards completed after {limit.TotalSeconds:0}s ({dropped} expired or poisoned)";
    }

    /// <summary>
    /// A target is due once per interval slot (aligned to the epoch, shifted by a tolerance of a tenth of the interval,
    /// at most 1 s): wait until the slot after the one the last run ended in has begun.
    /// </summary>
    private async Task WaitForNextSlotAsync()
    {
        if (_lastRunEndMs is not { } last) return;
        var intervalMs = (long)Interval.TotalMilliseconds;
        var toleranceMs = (long)Math.Min(Interval.TotalMilliseconds / 10, 1000);
        var nextSlotMs = (((last + toleranceMs) / intervalMs) + 1) * intervalMs - toleranceMs + 200;
        var wait = nextSlotMs - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(wait, intervalMs + 1000)));
    }

    /// <summary>PeakMemory is each process' peak resident memory (VmHWM), e.g. <c>scheduler 180 + worker 1 250 + ...</c>.</summary>
    public string PeakMemory() => string.Join(" + ", _processes.Select(p =>
        (_processes.Count > 1 ? p.Role + " " : "") + ProcessStats.PeakMemoryMiB(p.Process.Id).ToString("0", CultureInfo.InvariantCulture)));

    public double CpuSeconds() => _processes.Sum(p => ProcessStats.CpuSeconds(p.Process.Id));

    public void Dispose()
    {
        foreach (var p in _processes) p.Dispose();
    }

    private static string WriteConfig(AppSetup setup, TimeSpan interval)
    {
        var dir = Directory.CreateTempSubdirectory("fedfn-load-").FullName;
        var seconds = (int)interval.TotalSeconds;
        var timeout = Math.Min(seconds, 10);
        var list = string.Join(", ", setup.Targets.Select(h => $"'{h}'"));
        File.WriteAllText(Path.Combine(dir, "prometheus.yml"),
            $"global:\n  scrape_interval: {seconds}s\n  scrape_timeout: {timeout}s\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: [{list}]\n");
        return dir;
    }

    private static AppProcess Start(AppSetup setup, string dir, string role, Dictionary<string, string> settings)
    {
        var port = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["FederationStorage"] = setup.Azurite.ConnectionString,
            ["Federation__ConfigPath"] = Path.Combine(dir, "prometheus.yml"),
            ["ScrapeSchedule"] = "0 0 0 1 1 *",
            ["Federation__MaxConcurrency"] = "64",
        };
        foreach (var (key, value) in settings) environment[key] = value;
        var process = new ManagedProcess("dotnet", [setup.Handler, "--urls", $"http://127.0.0.1:{port}"], dir, environment);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = setup.HttpTimeout };
        return new AppProcess(role, process, http);
    }
}
