using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using FedFunctions.Functions.Configuration;
using FedFunctions.TestSupport;
using Microsoft.Extensions.Configuration;

namespace FedFunctions.Functions.Tests.Cost;

/// <summary>
/// <c>check-config --cost</c> predicts the storage requests of each scrape run and each <c>/federate</c> read of a
/// configuration; a running app on the same configuration (read from a blob, three loopback targets due at every
/// run) counts exactly those on <c>/metrics</c>, and so does one whose runs fan out over the shard queue (its queue
/// requests counted with the storage requests). Azurite and the targets are this class's own.
/// </summary>
[Collection(CostCollection.Name)]
public sealed partial class CostCommandEndToEndTests : IAsyncLifetime
{
    private AzuriteServer _azurite = null!;
    private TargetServer _targets = null!;
    private string _configUrl = "";

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        _targets = await TargetServer.StartAsync(endpoints: 3);
        _targets.Serve("/metrics", new TargetResponse(RepoPaths.Fixture("node_exporter-1.5.0.txt"), Gzip: true));
        var config = $$"""
            scrape_configs:
              - job_name: node
                scrape_interval: 1s
                scrape_timeout: 1s
                static_configs:
                  - targets: [{{string.Join(", ", _targets.HostPorts.Select(h => $"'{h}'"))}}]
            """;
        var container = new BlobServiceClient(_azurite.ConnectionString).GetBlobContainerClient("config");
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient("prometheus.yml");
        await blob.UploadAsync(BinaryData.FromString(config), overwrite: true);
        _configUrl = blob.Uri.AbsoluteUri;
    }

    public async Task DisposeAsync()
    {
        await _targets.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task TheRequestsARunningAppCountsPerRunAndPerReadAreThoseTheCommandPredicts()
    {
        // The command: a run every second, every target due at each (1s interval), one federator reading every second.
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FederationStorage"] = _azurite.ConnectionString,
            ["ScrapeSchedule"] = "* * * * * *",
            // A second's run budget is tight for a first run on a busy machine; the app in this test has minutes.
            ["Federation:ScrapeRunBudget"] = "30s",
        }).Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = CheckConfigCommand.Run(["--cost", "--json", "--window", "3s", "--federate-interval", "1s", _configUrl], output, error, settings);
        Assert.True(exit == 0, $"exit {exit}: {error}");
        using var prediction = JsonDocument.Parse(output.ToString());
        var root = prediction.RootElement;
        Assert.Equal(3, root.GetProperty("runs").GetInt32());
        Assert.Equal(3, root.GetProperty("federate_reads").GetInt32());
        Assert.Equal(3, root.GetProperty("timer_executions").GetDouble());
        Assert.Equal(0, root.GetProperty("shard_messages").GetDouble()); // three targets, one shard: scraped inline
        Assert.Equal(0, root.GetProperty("mean_shard_seconds").GetDouble());
        var perRun = Counts(root.GetProperty("storage_per_run"));
        var perRead = Counts(root.GetProperty("storage_per_federate_read"));
        // What the prediction must hold for this config: each target written once per run, the config blob checked once.
        Assert.Equal(3, perRun.GetValueOrDefault("table/update"));
        Assert.Equal(1, perRun.GetValueOrDefault("blob/conditional_get"));
        Assert.True(perRead.GetValueOrDefault("table/query") >= 1, "a read lists the stored versions");
        Assert.DoesNotContain(Tables(), t => t.StartsWith("fedcost", StringComparison.Ordinal)); // the scratch table is gone

        // The app: same config blob and account, its own table; runs triggered one second slot apart.
        await using var app = await AppHost.StartAsync("", _azurite.ConnectionString, new Dictionary<string, string>
        {
            ["Federation__ConfigPath"] = _configUrl,
            ["Federation__SnapshotTable"] = "costapp",
            ["Federation__SnapshotContainer"] = "costapp",
            // No shard consumer polling the (unused) queue: the command models a run's requests, not an idle listener's.
            ["Federation__QueueWorkers"] = "0",
        });
        await RunInNextSlotAsync(app); // the first run stores every target: not the steady state
        await app.FederateTextAsync("{job=~\".+\"}");

        var before = await ReadCountersAsync(app);
        const int runs = 3;
        for (var i = 0; i < runs; i++) await RunInNextSlotAsync(app);
        var afterRuns = await ReadCountersAsync(app);
        await app.FederateTextAsync("{job=~\".+\"}");
        var afterRead = await ReadCountersAsync(app);

        Assert.Equal(runs, Delta(before, afterRuns, "fedfunctions_scrape_cycles_total").Values.Sum());
        var countedPerRun = Delta(before, afterRuns, "fedfunctions_storage_operations_total").ToDictionary(kv => kv.Key, kv => kv.Value / runs);
        Assert.Equal(Sorted(perRun), Sorted(countedPerRun));
        Assert.Equal(Sorted(perRead), Sorted(Delta(afterRuns, afterRead, "fedfunctions_storage_operations_total")));
    }

    [Fact]
    public async Task ARunWithMoreDueTargetsThanTheShardSizeIsMeasuredWithItsShardsScrapedByTheAppsWorker()
    {
        // Shards of 2: the 3 targets of each run go out as 2 messages, handled one after the other by the app's own
        // shard worker. A 5s interval: a shard drained later than its interval after the run would be dropped as expired.
        var config = await WriteConfigAsync("    scrape_interval: 5s\n    scrape_timeout: 5s\n");
        using var prediction = Predict(config, new() { ["ScrapeSchedule"] = "*/5 * * * * *", ["Federation:ShardSize"] = "2" }, "--window", "15s", "--federators", "0");
        var root = prediction.RootElement;
        var runs = root.GetProperty("runs").GetInt32();
        Assert.Equal(3, runs);
        Assert.Equal(2 * runs, root.GetProperty("shard_messages").GetDouble()); // one ScrapeShard execution per message
        Assert.True(root.GetProperty("mean_shard_seconds").GetDouble() > 0, "each shard's duration is measured");
        // Every run and every shard bills at least a second at 2 GB (no reads here): the shards' executions are in the GB-s.
        var gbSeconds = root.GetProperty("monthly").EnumerateArray().Single(l => l.GetProperty("item").GetString()!.StartsWith("execution time", StringComparison.Ordinal));
        Assert.True(gbSeconds.GetProperty("quantity").GetDouble() >= (runs + 2 * runs) * 2 * root.GetProperty("month_scale").GetDouble() - 1e-6, gbSeconds.ToString());
        var perRun = Counts(root.GetProperty("storage_per_run"));
        Assert.Equal(2, perRun.GetValueOrDefault("queue/send"));
        Assert.Equal(2, perRun.GetValueOrDefault("queue/delete"));
        Assert.Equal(3, perRun.GetValueOrDefault("queue/receive")); // two messages, then the empty look that ends the drain
        Assert.Equal(0, perRun.GetValueOrDefault("queue/update")); // the command holds each message without renewing
        // The workers' writes are the run's: still one write per target.
        Assert.Equal(3, perRun.GetValueOrDefault("table/update"));
        var queues = new Azure.Storage.Queues.QueueServiceClient(_azurite.ConnectionString).GetQueues().Select(q => q.Name).ToList();
        Assert.DoesNotContain(queues, q => q.StartsWith("fedcost", StringComparison.Ordinal)); // the scratch queue is gone

        // The app on the same configuration fans out the same way and its own consumer scrapes the shards: per run it
        // counts the same requests on /metrics. Receives are left out of the comparison: the consumer polls the queue on
        // its own back-off, not once per run; lease renewals too, which only a shard slower than half its lease makes.
        await using var app = await AppHost.StartAsync(await File.ReadAllTextAsync(config), _azurite.ConnectionString, new Dictionary<string, string>
        {
            ["Federation__SnapshotTable"] = "costshards",
            ["Federation__SnapshotContainer"] = "costshards",
            ["Federation__ShardSize"] = "2",
            ["Federation__ShardQueue"] = "costshards",
            ["Federation__QueuePollingInterval"] = "200ms",
        });
        await RunInNextSlotAsync(app, slotSeconds: 5, shards: 2); // the first run stores every target: not the steady state
        var before = await ReadCountersAsync(app);
        for (var i = 0; i < runs; i++) await RunInNextSlotAsync(app, slotSeconds: 5, shards: 2 * (i + 2));
        var countedPerRun = Delta(before, await ReadCountersAsync(app), "fedfunctions_storage_operations_total").ToDictionary(kv => kv.Key, kv => kv.Value / runs);
        Assert.Equal(2, countedPerRun.GetValueOrDefault("queue/send"));
        string[] polled = ["queue/receive", "queue/update"];
        Assert.Equal(Sorted(perRun.Where(kv => !polled.Contains(kv.Key)).ToDictionary()), Sorted(countedPerRun.Where(kv => !polled.Contains(kv.Key)).ToDictionary()));
    }

    [Fact]
    public async Task ShardsHandledHereLongerThanTheTickSpacingAreNoted()
    {
        // Shards of 1 from targets that answer after a second: the command handles the three shards of a run one after the
        // other, about 3 s, past the 2 s between ticks; the run itself (listing, three sends) ends well before.
        _targets.Serve("/slow", new TargetResponse(RepoPaths.Fixture("node_exporter-1.5.0.txt"), Delay: TimeSpan.FromSeconds(1)));
        var config = await WriteConfigAsync("    metrics_path: /slow\n    scrape_interval: 6s\n    scrape_timeout: 5s\n");
        using var prediction = Predict(config, new() { ["ScrapeSchedule"] = "*/2 * * * * *", ["Federation:ShardSize"] = "1" }, "--window", "6s", "--federators", "0");
        var root = prediction.RootElement;
        // Every target once in the 6 s window, as its interval says; on a loaded machine the shards run so late that the
        // command's clock (which goes on at the real pace while work runs) reaches a target's next slot inside the
        // window too (CI once counted 6), at most once per tick (three ticks, three targets): what the note below warns of.
        Assert.InRange(root.GetProperty("shard_messages").GetDouble(), 3, 9);
        var notes = root.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToList();
        Assert.Contains(notes, n => n.StartsWith("a run and the shards it sent took", StringComparison.Ordinal) && n.Contains("2 s between ticks", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AReadLessOftenThanTheTicksIsMeasuredInSteadyStateSeeingOneIntervalsChanges()
    {
        // A tick every second, targets scraped every 8 s, one federator reading every 8 s: in steady state each read finds
        // the three targets one scrape newer than the read before. The read that filled the cache right after the first
        // run must not be the one before the measured read: that read would find nothing new (the next scrape is 8 s on).
        var config = await WriteConfigAsync("    scrape_interval: 8s\n    scrape_timeout: 1s\n");
        using var prediction = Predict(config, new() { ["ScrapeSchedule"] = "* * * * * *" }, "--window", "8s", "--federate-interval", "8s");
        var root = prediction.RootElement;
        Assert.Equal(8, root.GetProperty("runs").GetInt32());
        Assert.Equal(1, root.GetProperty("federate_reads").GetInt32());
        Assert.Equal(3 / 8.0, Counts(root.GetProperty("storage_per_run")).GetValueOrDefault("table/update")); // each target once per 8 s
        var perRead = Counts(root.GetProperty("storage_per_federate_read"));
        Assert.Equal(1, perRead.GetValueOrDefault("table/query")); // the listing
        Assert.Equal(3, perRead.GetValueOrDefault("table/get")); // and a point read of each target scraped since the read before
    }

    /// <summary>
    /// Waits for the next slot of <paramref name="slotSeconds"/> (so every target is due) and runs a cycle; with
    /// <paramref name="shards"/>, then waits until the app's consumer has completed and deleted that many shards in all.
    /// </summary>
    /// <summary>A config whose one job, <c>node</c>, has <paramref name="jobSettings"/> and scrapes this fixture's targets.</summary>
    private async Task<string> WriteConfigAsync(string jobSettings)
    {
        var config = Path.Combine(Directory.CreateTempSubdirectory("fedfn-cost-").FullName, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"scrape_configs:\n  - job_name: node\n{jobSettings}    static_configs:\n      - targets: [{string.Join(", ", _targets.HostPorts.Select(h => $"'{h}'"))}]\n");
        return config;
    }

    /// <summary>Runs <c>check-config --cost --json</c> (plus <paramref name="args"/>) on <paramref name="config"/> against this fixture's Azurite.</summary>
    private JsonDocument Predict(string config, Dictionary<string, string?> settings, params string[] args)
    {
        settings["FederationStorage"] = _azurite.ConnectionString;
        settings.TryAdd("Federation:ScrapeRunBudget", "30s");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = CheckConfigCommand.Run(["--cost", "--json", .. args, config], output, error, new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        Assert.True(exit == 0, $"exit {exit}: {error}");
        return JsonDocument.Parse(output.ToString());
    }

    private static async Task RunInNextSlotAsync(AppHost app, int slotSeconds = 1, int shards = 0)
    {
        var slotMs = slotSeconds * 1000L;
        var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Task.Delay(TimeSpan.FromMilliseconds(slotMs - (nowMs % slotMs) + 150));
        var (status, body) = await app.TriggerScrapeAsync();
        Assert.True(status == 200, body);
        if (shards == 0) return;
        const string completed = "fedfunctions_shard_messages_total{outcome=\"completed\"}";
        const string deleted = "fedfunctions_storage_operations_total{operation=\"delete\",service=\"queue\"}";
        await Poll.UntilAsync(async () => await ReadCountersAsync(app) is var c && c.GetValueOrDefault(completed) >= shards && c.GetValueOrDefault(deleted) >= shards ? "" : null,
            TimeSpan.FromSeconds(60), $"{shards} completed and deleted shards");
    }

    private List<string> Tables() => new Azure.Data.Tables.TableServiceClient(_azurite.ConnectionString).Query().Select(t => t.Name).ToList();

    private static Dictionary<string, double> Counts(JsonElement element) =>
        element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());

    private static List<KeyValuePair<string, double>> Sorted(Dictionary<string, double> counts) =>
        counts.Where(kv => kv.Value != 0).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();

    /// <summary>ReadCountersAsync reads /metrics: each sample's value by its full series text.</summary>
    private static async Task<Dictionary<string, double>> ReadCountersAsync(AppHost app)
    {
        var text = await app.Http.GetStringAsync("/metrics");
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var space = line.LastIndexOf(' ');
            values[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
        return values;
    }

    /// <summary>Delta is what each series of <paramref name="name"/> grew by, keyed "service/operation" (or the series text when it has no such labels).</summary>
    private static Dictionary<string, double> Delta(Dictionary<string, double> before, Dictionary<string, double> after, string name)
    {
        var grown = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (series, value) in after)
        {
            if (series != name && !series.StartsWith(name + "{", StringComparison.Ordinal)) continue;
            var delta = value - before.GetValueOrDefault(series);
            if (delta == 0) continue;
            var match = ServiceOperation().Match(series);
            var key = match.Success ? $"{match.Groups["service"].Value}/{match.Groups["operation"].Value}" : series;
            grown[key] = grown.GetValueOrDefault(key) + delta;
        }
        return grown;
    }

    [GeneratedRegex("operation=\"(?<operation>[^\"]+)\",service=\"(?<service>[^\"]+)\"")]
    private static partial Regex ServiceOperation();
}

[CollectionDefinition(Name)]
public sealed class CostCollection
{
    public const string Name = "Cost";
}
