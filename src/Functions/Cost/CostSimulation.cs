using System.Diagnostics;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Federation;
using FedFunctions.Core.Storage;
using FedFunctions.Functions.Configuration;
using FedFunctions.Functions.Endpoints;
using FedFunctions.Functions.Hosting;
using FedFunctions.Functions.Monitoring;
using FedFunctions.Functions.Queue;
using FedFunctions.Functions.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FedFunctions.Functions.Cost;

/// <summary>
/// CostSimulation runs the app itself on a configuration and counts what it does. It builds the same services as
/// the app (<see cref="FederationServices"/>, settings from the same sources), points the snapshot store at a
/// scratch table and container of the configured storage account (created and deleted again, so the app's own
/// snapshots are never touched), and drives a <see cref="SimulatedClock"/> through the <c>ScrapeSchedule</c> ticks
/// and the federators' <c>/federate</c> reads of a window of simulated time: every run really checks the
/// configuration source, discovers, scrapes the real targets and writes; every read really goes through the
/// <c>/federate</c> handler. Only the app's counters are read (<see cref="CounterReading"/>).
/// </summary>
internal static class CostSimulation
{
    /// <summary>MaxWindow (1 h) is the longest window measured when the pattern of runs and reads repeats more slowly.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromHours(1);

    /// <summary>MaxEvents bounds the runs and reads of one window, so a measurement ends in reasonable time.</summary>
    public const int MaxEvents = 5_000;

    /// <summary>
    /// Measures <paramref name="scenario"/> with the app's settings <paramref name="settings"/> (storage account, schedule,
    /// concurrency, cache refresh).
    /// </summary>
    /// <exception cref="ConfigException">A setting or the configuration is invalid, or the window does not fit.</exception>
    /// <exception cref="SnapshotStoreException">Storage is unreachable or failed.</exception>
    public static async Task<CostMeasurement> MeasureAsync(CostScenario scenario, IConfiguration settings, CancellationToken cancellationToken)
    {
        var scratch = "fedcost" + Guid.NewGuid().ToString("N")[..12];
        var clock = new SimulatedClock();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.AddConfiguration(settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [FederationOptions.Section + ":ConfigPath"] = scenario.ConfigPath,
            [FederationOptions.Section + ":SnapshotTable"] = scratch,
            [FederationOptions.Section + ":SnapshotContainer"] = scratch,
            // Shards of a run go to a scratch queue too, never to the queue the app's own workers consume.
            [FederationOptions.Section + ":ShardQueue"] = scratch,
        });
        builder.Services.AddLogging();
        builder.Services.AddFederation(builder.Configuration);
        builder.Services.AddSingleton<TimeProvider>(clock); // after AddFederation: replaces the system clock
        using var host = builder.Build();
        var services = host.Services;
        FederationServices.CheckAtStart(services);
        try
        {
            return await MeasureAsync(scenario, services, clock, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await DeleteScratchAsync(services.GetRequiredService<IOptions<StorageOptions>>().Value.Connection, services.GetRequiredService<ShardQueueAccess>().Client, scratch).ConfigureAwait(false);
        }
    }

    private static async Task<CostMeasurement> MeasureAsync(CostScenario scenario, IServiceProvider services, SimulatedClock clock, CancellationToken cancellationToken)
    {
        var runner = services.GetRequiredService<ScrapeRunner>();
        var metrics = services.GetRequiredService<AppMetrics>();
        var reloader = services.GetRequiredService<ConfigReloader>();
        var schedule = services.GetRequiredService<RunSchedule>().Schedule;
        var config = reloader.Current.Config;
        var notes = new List<string>();

        // Start on a day boundary: interval slots are aligned to the epoch, so the pattern starts there.
        var start = schedule.GetNextOccurrence(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1), TimeSpan.Zero).AddTicks(-1))
            ?? throw new ConfigException($"setting ScrapeSchedule: \"{schedule}\" never fires");
        var second = schedule.GetNextOccurrence(start) ?? throw new ConfigException($"setting ScrapeSchedule: \"{schedule}\" fires only once");
        var window = scenario.Window ?? Window(config, second - start, scenario.FederateInterval, notes);

        // The first run stores every target (a read and an insert each): not the steady state, measured apart.
        clock.AdvanceTo(start);
        var beforeFirst = CounterReading.Take(metrics);
        var first = await RunAsync(runner, cancellationToken).ConfigureAwait(false);
        await DrainShardsAsync(services, first.Result, notes, cancellationToken).ConfigureAwait(false);
        var storedBytes = CounterReading.Take(metrics).Since(beforeFirst, CounterReading.StorageBytesWritten, "service");
        if (first.Result.TargetsFailed > 0)
            notes.Add($"{first.Result.TargetsFailed} of {first.Result.TargetsScraped} targets failed to scrape in the first run (first: {first.Result.ScrapeErrors[0]}): a down target stores a small snapshot, so the estimate is low for them");
        await FederateAsync(services, reloader, metrics, scenario.Match, cancellationToken).ConfigureAwait(false); // fills the cache

        // Warm up from the first tick after the first run ended (a slow first run delays the targets it stored last), for
        // as long as it takes runs and reads to repeat: each federator's first measured read then follows an unmeasured one
        // by its interval and sees one interval's changes, as in steady state (the read that filled the cache came right
        // after the first run, so it would otherwise see fewer).
        var warmFrom = schedule.GetNextOccurrence(clock.GetUtcNow()) ?? throw new ConfigException($"setting ScrapeSchedule: \"{schedule}\" stops firing");
        var warmUp = scenario.Federators == 0 ? TimeSpan.Zero : Lcm([second - start, scenario.FederateInterval]) ?? window;
        foreach (var (at, isRun) in Events(schedule, warmFrom, warmUp, scenario))
        {
            clock.AdvanceTo(at);
            if (isRun) await DrainShardsAsync(services, (await RunAsync(runner, cancellationToken).ConfigureAwait(false)).Result, notes, cancellationToken).ConfigureAwait(false);
            else await FederateAsync(services, reloader, metrics, scenario.Match, cancellationToken).ConfigureAwait(false);
        }

        // Measure from the first tick at the end of the warm-up (or after it, when the warm-up ran late).
        var warmEnd = warmFrom + warmUp > clock.GetUtcNow() ? warmFrom + warmUp - TimeSpan.FromTicks(1) : clock.GetUtcNow();
        var from = warmUp == TimeSpan.Zero ? warmFrom
            : schedule.GetNextOccurrence(warmEnd) ?? throw new ConfigException($"setting ScrapeSchedule: \"{schedule}\" stops firing");
        var events = Events(schedule, from, window, scenario);
        var runStorage = new Dictionary<string, double>(StringComparer.Ordinal);
        var federateStorage = new Dictionary<string, double>(StringComparer.Ordinal);
        var runSeconds = new List<double>();
        var federateSeconds = new List<double>();
        var shardSeconds = new List<double>();
        var busiestRun = 0.0; // a run and the shards it sent, handled here one after the other before the next step
        var startReading = CounterReading.Take(metrics);
        foreach (var (at, isRun) in events)
        {
            clock.AdvanceTo(at);
            var before = CounterReading.Take(metrics);
            if (isRun)
            {
                var run = await RunAsync(runner, cancellationToken).ConfigureAwait(false);
                runSeconds.Add(run.Seconds);
                var shards = await DrainShardsAsync(services, run.Result, notes, cancellationToken).ConfigureAwait(false);
                shardSeconds.AddRange(shards);
                busiestRun = Math.Max(busiestRun, run.Seconds + shards.Sum());
            }
            else federateSeconds.Add(await FederateAsync(services, reloader, metrics, scenario.Match, cancellationToken).ConfigureAwait(false));
            var grown = CounterReading.Take(metrics).Since(before, CounterReading.StorageOperations, "service", "operation");
            foreach (var (key, value) in grown)
            {
                var into = isRun ? runStorage : federateStorage;
                into[key] = into.GetValueOrDefault(key) + value;
            }
        }
        var tick = (second - start).TotalSeconds;
        if (runSeconds.Count > 0 && runSeconds.Max() > tick)
        {
            notes.Add($"a run took {runSeconds.Max():0.#} s, longer than the {tick:0.#} s between ticks: later ticks started late and found more targets due " +
                      "than when runs finish in time (a loaded machine, slow targets or storage); the counts are what this app did here");
        }
        else if (busiestRun > tick)
        {
            // In Azure the shards run on other instances while the next tick fires on time; here they delay it.
            notes.Add($"a run and the shards it sent took {busiestRun:0.#} s here, longer than the {tick:0.#} s between ticks: the command handles shards " +
                      "one after the other before the next tick, so later ticks started late (in Azure instances take shards in parallel and ticks fire on time); " +
                      "a late tick scrapes targets due by then, so the counts can differ from the app's");
        }
        var end = CounterReading.Take(metrics);
        return new CostMeasurement
        {
            Window = window,
            Targets = first.Result.ActiveTargets.Count,
            RunSeconds = runSeconds,
            FederateSeconds = federateSeconds,
            ShardSeconds = shardSeconds,
            RunStorage = runStorage,
            FederateStorage = federateStorage,
            // Each handled message is one ScrapeShard execution; "sent" is the run's side of the same message.
            ShardMessages = end.Since(startReading, CounterReading.ShardMessages, "outcome").Where(kv => kv.Key != "sent").Sum(kv => kv.Value),
            TimerExecutions = end.Total(startReading, CounterReading.Cycles),
            FederateExecutions = end.Total(startReading, CounterReading.FederateRequests),
            StoredBytes = storedBytes,
            Notes = notes,
        };
    }

    /// <summary>
    /// Window is the least common multiple of the tick spacing, the scrape intervals and the federate interval: the
    /// time after which the same runs and reads repeat. Past <see cref="MaxWindow"/>, the first hour is measured.
    /// </summary>
    private static TimeSpan Window(FederationConfig config, TimeSpan tick, TimeSpan federateInterval, List<string> notes)
    {
        if (Lcm(config.ScrapeConfigs.Select(j => j.ScrapeInterval).Append(tick).Append(federateInterval)) is { } lcm) return lcm;
        notes.Add($"runs and reads repeat only after more than {MaxWindow.TotalHours:0} h: the first {MaxWindow.TotalHours:0} h is measured and scaled (pass --window for another span)");
        return MaxWindow;
    }

    /// <summary>Lcm is the least common multiple of <paramref name="spans"/> (in milliseconds), or null past <see cref="MaxWindow"/>.</summary>
    private static TimeSpan? Lcm(IEnumerable<TimeSpan> spans)
    {
        long lcm = 1;
        foreach (var span in spans)
        {
            var ms = Math.Max(1, (long)span.TotalMilliseconds);
            lcm = lcm / Gcd(lcm, ms) * ms;
            if (lcm > MaxWindow.TotalMilliseconds) return null;
        }
        return TimeSpan.FromMilliseconds(lcm);
    }

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);

    /// <summary>Events are the ticks from <paramref name="from"/> and each federator's reads (spread over the interval) within the window, in time order.</summary>
    private static List<(DateTimeOffset At, bool IsRun)> Events(Core.Scheduling.NcrontabSchedule schedule, DateTimeOffset from, TimeSpan window, CostScenario scenario)
    {
        var end = from + window;
        var events = new List<(DateTimeOffset, bool)>();
        for (DateTimeOffset? tick = from; tick is { } t && t < end; tick = schedule.GetNextOccurrence(t))
        {
            events.Add((t, true));
            if (events.Count > MaxEvents) throw TooMany(window);
        }
        for (var federator = 0; federator < scenario.Federators; federator++)
        {
            // Reads land just after the ticks' instant, spread as independent Prometheus servers would be.
            var offset = TimeSpan.FromTicks(scenario.FederateInterval.Ticks * (2 * federator + 1) / (2 * scenario.Federators));
            for (var at = from + offset; at < end; at += scenario.FederateInterval)
            {
                events.Add((at, false));
                if (events.Count > MaxEvents) throw TooMany(window);
            }
        }
        // A read at a tick's instant comes after that tick's run, every time (a sort alone would order them either way).
        events.Sort((a, b) => a.Item1 != b.Item1 ? a.Item1.CompareTo(b.Item1) : b.Item2.CompareTo(a.Item2));
        return events;
    }

    private static ConfigException TooMany(TimeSpan window) =>
        new($"more than {MaxEvents} scrape runs and /federate reads in the {window.TotalSeconds:0.###} s window: pass a shorter --window");

    private static async Task<(Core.Ingestion.ScrapeCycleResult Result, double Seconds)> RunAsync(ScrapeRunner runner, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await runner.RunAsync("cost model", cancellationToken).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (result.StorageErrors.Count > 0) throw new SnapshotStoreException("storage failed during a measured run: " + result.StorageErrors[0]);
        if (result.Interruption is not null) throw new SnapshotStoreException($"a measured run {result.Interruption}: the measurement would be incomplete (the app would not scrape every due target either; Federation__ScrapeRunBudget gives runs more time)");
        return (result, seconds);
    }

    /// <summary>FederateAsync serves one <c>/federate</c> read through the app's handler (gzip, as Prometheus asks) and returns its duration.</summary>
    private static async Task<double> FederateAsync(IServiceProvider services, ConfigReloader reloader, AppMetrics metrics, string match, CancellationToken cancellationToken)
    {
        var context = new DefaultHttpContext { RequestServices = services, RequestAborted = cancellationToken };
        context.Request.Method = "GET";
        context.Request.Path = "/federate";
        context.Request.QueryString = QueryString.Create("match[]", match);
        context.Request.Headers.AcceptEncoding = "gzip";
        var started = Stopwatch.GetTimestamp();
        await FederateEndpoint.HandleAsync(context, reloader.Current.Federation, metrics, services.GetRequiredService<ILogger<FederationService>>()).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (context.Response.StatusCode != StatusCodes.Status200OK)
            throw new SnapshotStoreException($"a measured /federate read answered {context.Response.StatusCode}");
        return seconds;
    }

    /// <summary>
    /// DrainShardsAsync handles every shard message a run sent, one at a time through the app's own <see cref="ShardWorker"/>
    /// (as a ScrapeShard execution would; <see cref="ShardDelivery"/>, as the local consumer), and returns each one's duration;
    /// a shard that does not complete or expire fails the measurement. A run that sent none is left alone: the queue is
    /// not even looked at, as no ScrapeShard execution would follow it.
    /// </summary>
    private static async Task<List<double>> DrainShardsAsync(IServiceProvider services, Core.Ingestion.ScrapeCycleResult run, List<string> notes, CancellationToken cancellationToken)
    {
        var seconds = new List<double>();
        if (run.ShardsSent == 0 || services.GetRequiredService<ShardQueueAccess>().Client is not { } queue) return seconds;
        var worker = services.GetRequiredService<ShardWorker>();
        for (var handled = 0; handled < MaxEvents; handled++)
        {
            if (await ShardDelivery.ReceiveAsync(queue, ShardLease, cancellationToken).ConfigureAwait(false) is not { } delivery) return seconds;
            var started = Stopwatch.GetTimestamp();
            var result = await delivery.ProcessAsync(worker, cancellationToken).ConfigureAwait(false);
            seconds.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
            if (!await delivery.DeleteIfDoneAsync(result, cancellationToken).ConfigureAwait(false))
                throw new SnapshotStoreException($"a measured shard {result.Outcome.ToString().ToLowerInvariant()}: {result.Error}");
            if (result.Outcome == ShardOutcome.Expired && !notes.Contains(ExpiredNote)) notes.Add(ExpiredNote);
        }
        throw new ConfigException($"more than {MaxEvents} shard messages after one run: pass a larger Federation__ShardSize");
    }

    /// <summary>ExpiredNote says that shards, handled one after the other here, were dropped as older than their interval.</summary>
    private const string ExpiredNote = "some shards were handled here later than their targets' interval after their run and dropped as expired " +
                                       "(the command handles shards one after the other; in Azure instances take them in parallel): their targets' writes are missing from the counts";

    /// <summary>ShardLease (5 min) hides a message being measured; the scratch queue has no other consumer.</summary>
    private static readonly TimeSpan ShardLease = TimeSpan.FromMinutes(5);

    private static async Task DeleteScratchAsync(StorageConnection connection, Core.Sharding.ShardQueueClient? queue, string name)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await connection.CreateTableServiceClient().DeleteTableAsync(name, timeout.Token).ConfigureAwait(false);
            await connection.CreateBlobServiceClient().GetBlobContainerClient(name).DeleteIfExistsAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
            if (queue is not null) await queue.DeleteQueuesAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException or OperationCanceledException or HttpRequestException or Core.Sharding.ShardQueueException)
        {
            await Console.Error.WriteLineAsync($"check-config --cost: could not delete the scratch table, container and queue \"{name}\": {ex.Message.Split('\n')[0]}").ConfigureAwait(false);
        }
    }
}
