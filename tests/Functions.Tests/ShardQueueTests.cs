using Azure.Storage.Queues;
using FedFunctions.Core.Sharding;
using FedFunctions.Functions.Configuration;
using FedFunctions.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// The standalone app's own shard consumer on a real Azurite queue, with the Functions host's listener rules:
/// fan-out and completion, expiry, retries into the poison queue, unreadable and over-tried messages, another configuration.
/// </summary>
public sealed class ShardQueueTests(AzuriteServer azurite) : IClassFixture<AzuriteServer>, IAsyncLifetime
{
    private readonly string _queue = "shards-" + Guid.NewGuid().ToString("N")[..16];
    private TargetServer _targets = null!;
    private AppHost? _app;

    public async Task InitializeAsync()
    {
        _targets = await TargetServer.StartAsync(5);
        _targets.Serve("/metrics", TargetResponse.Text("# TYPE requests_total counter\nrequests_total 7\n"));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await _targets.DisposeAsync();
    }

    private string Config(string interval = "1m") =>
        $"scrape_configs:\n  - job_name: app\n    scrape_interval: {interval}\n    scrape_timeout: 5s\n    static_configs:\n      - targets: [{string.Join(", ", _targets.HostPorts.Select(t => $"'{t}'"))}]\n";

    private async Task<AppHost> StartAsync(int workers = 2, string interval = "1m")
    {
        _app = await AppHost.StartAsync(Config(interval), azurite.ConnectionString, new Dictionary<string, string>
        {
            ["Federation__SnapshotTable"] = "t" + Guid.NewGuid().ToString("N"),
            ["Federation__SnapshotContainer"] = "c" + Guid.NewGuid().ToString("N"),
            ["Federation__ShardSize"] = "2",
            ["Federation__ShardQueue"] = _queue,
            ["Federation__QueueWorkers"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Federation__QueueVisibilityTimeout"] = "2s",
            ["Federation__QueueRetryDelay"] = "0",
            ["Federation__QueuePollingInterval"] = "200ms",
        });
        return _app;
    }

    private QueueClient Raw(string name) => new(azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    private static string Hash(AppHost app) => app.Services.GetRequiredService<ConfigReloader>().Current.Hash;

    private string Shard(string hash, long scheduledMs, string job = "app") => ShardMessageCodec.Encode(new ShardMessage(hash, scheduledMs,
        [new ShardTarget(job, $"http://{_targets.HostPorts[0]}/metrics", Core.Model.Labels.Of("instance", _targets.HostPorts[0], "job", job), 60_000, 5_000, null)]));

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static async Task<Dictionary<string, string>> MetricsAsync(AppHost app) => ExpositionText.Samples(await app.Http.GetStringAsync("/metrics"));

    private static Task<string> MetricAsync(AppHost app, string series, string value, string what) =>
        Poll.UntilAsync(async () => (await MetricsAsync(app)).GetValueOrDefault(series) == value ? value : null, TimeSpan.FromSeconds(60), what);

    private static Task<string> MetricAsync(AppHost app, string series, Func<string?, bool> ok, string what) =>
        Poll.UntilAsync(async () => (await MetricsAsync(app)).GetValueOrDefault(series) is var v && ok(v) ? v ?? "" : null, TimeSpan.FromSeconds(60), what);

    [Fact]
    public async Task ARunFansOutAndTheConsumersStoreEveryTarget()
    {
        var app = await StartAsync();

        var (status, body) = await app.TriggerScrapeAsync();

        Assert.Equal(200, status);
        Assert.Contains("\"shardsSent\":3", body.Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        await MetricAsync(app, "fedfunctions_shard_messages_total{outcome=\"completed\"}", "3", "three completed shards");
        // A shard counts as completed when it is scraped and stored; its message is deleted after that.
        await MetricAsync(app, "fedfunctions_storage_operations_total{operation=\"delete\",service=\"queue\"}", v => v is not null && int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) >= 3, "three deleted messages");
        var metrics = await MetricsAsync(app);
        Assert.Equal("3", metrics["fedfunctions_shard_messages_total{outcome=\"sent\"}"]);
        Assert.Equal("5", metrics["fedfunctions_snapshots_written_total"]);
        // Every queue request counted with the storage requests: the sends, and for each shard one receive that found it and one delete.
        Assert.Equal("3", metrics["fedfunctions_storage_operations_total{operation=\"send\",service=\"queue\"}"]);
        Assert.Equal("3", metrics["fedfunctions_storage_operations_total{operation=\"delete\",service=\"queue\"}"]);
        Assert.True(int.Parse(metrics["fedfunctions_storage_operations_total{operation=\"receive\",service=\"queue\"}"], System.Globalization.CultureInfo.InvariantCulture) >= 3);
        Assert.Equal("1", metrics["fedfunctions_storage_operations_total{operation=\"create_queue\",service=\"queue\"}"]);
        Assert.True(long.Parse(metrics["fedfunctions_storage_bytes_written_total{service=\"queue\"}"], System.Globalization.CultureInfo.InvariantCulture) > 0, "the messages' bodies");
        var federated = ExpositionText.Samples(await app.FederateTextAsync("requests_total"));
        Assert.Equal(_targets.HostPorts.Order(), federated.Keys.Select(k => k.Split("instance=\"")[1].Split('"')[0]).Order());
        Assert.Equal(0, (await Raw(_queue).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task AShardOlderThanItsIntervalIsDroppedAndCounted()
    {
        var app = await StartAsync();
        await Raw(_queue).CreateIfNotExistsAsync();
        await Raw(_queue).SendMessageAsync(Shard(Hash(app), Now - 61_000));

        await MetricAsync(app, "fedfunctions_shard_messages_total{outcome=\"expired\"}", "1", "the expired shard");
        Assert.Equal("0", (await MetricsAsync(app))["fedfunctions_snapshots_written_total"]);
        Assert.Empty(_targets.Requests);
    }

    [Fact]
    public async Task AShardFailingEveryTryLandsInThePoisonQueueAfterFiveTries()
    {
        var app = await StartAsync(workers: 1);
        await Raw(_queue).CreateIfNotExistsAsync();
        // Planned on this configuration but for a job it lacks: every try fails the same way.
        await Raw(_queue).SendMessageAsync(Shard(Hash(app), Now, job: "gone"));

        await MetricAsync(app, "fedfunctions_shard_messages_total{outcome=\"poisoned\"}", "1", "the poisoned shard");
        Assert.Equal("4", (await MetricsAsync(app))["fedfunctions_shard_messages_total{outcome=\"failed\"}"]);
        var poisoned = Assert.Single((await Raw(_queue + ShardQueueClient.PoisonSuffix).ReceiveMessagesAsync(32)).Value);
        Assert.Contains("\"job\":\"gone\"", poisoned.Body.ToString());
        Assert.Equal(0, (await Raw(_queue).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task AnUnreadableMessageGoesToThePoisonQueueAtOnce()
    {
        var app = await StartAsync(workers: 1);
        await Raw(_queue).CreateIfNotExistsAsync();
        await Raw(_queue).SendMessageAsync("{\"v\":9}");

        await MetricAsync(app, "fedfunctions_shard_messages_total{outcome=\"poisoned\"}", "1", "the poisoned message");
        Assert.False((await MetricsAsync(app)).ContainsKey("fedfunctions_shard_messages_total{outcome=\"failed\"}"));
        Assert.Equal("{\"v\":9}", Assert.Single((await Raw(_queue + ShardQueueClient.PoisonSuffix).ReceiveMessagesAsync(32)).Value).Body.ToString());
    }

    [Fact]
    public async Task AMessageTriedTooOftenByWorkersThatDiedIsPoisonedUnrun()
    {
        var raw = Raw(_queue);
        await raw.CreateIfNotExistsAsync();
        await raw.SendMessageAsync(Shard("any", Now));
        // Five workers took it and died before settling it.
        for (var i = 0; i < 5; i++)
        {
            var taken = Assert.Single((await raw.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30))).Value);
            await raw.UpdateMessageAsync(taken.MessageId, taken.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        }

        var app = await StartAsync(workers: 1);

        await MetricAsync(app, "fedfunctions_shard_messages_total{outcome=\"poisoned\"}", "1", "the over-tried message");
        Assert.Empty(_targets.Requests);
        Assert.Single((await Raw(_queue + ShardQueueClient.PoisonSuffix).ReceiveMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task AShardPlannedOnAnotherConfigurationIsRetriedNotScraped()
    {
        var app = await StartAsync(workers: 1);
        await Raw(_queue).CreateIfNotExistsAsync();
        await Raw(_queue).SendMessageAsync(Shard("0123456789abcdef", Now));

        await MetricAsync(app, "fedfunctions_shard_messages_total{outcome=\"failed\"}", v => v is not null, "a failed try");
        Assert.Empty(_targets.Requests);
        Assert.Equal("0", (await MetricsAsync(app))["fedfunctions_snapshots_written_total"]);
    }

    [Fact]
    public async Task AReplayedMessageIsScrapedAgainWithoutEverStoringAnOlderSnapshot()
    {
        var app = await StartAsync(workers: 1);
        await Raw(_queue).CreateIfNotExistsAsync();
        var text = Shard(Hash(app), Now);
        await Raw(_queue).SendMessageAsync(text);
        await MetricAsync(app, "fedfunctions_shard_messages_total{outcome=\"completed\"}", "1", "the first delivery");
        var first = await StoredTimestampAsync(app);

        await Raw(_queue).SendMessageAsync(text); // at-least-once: the same message again
        await MetricAsync(app, "fedfunctions_shard_messages_total{outcome=\"completed\"}", "2", "the second delivery");

        Assert.True(await StoredTimestampAsync(app) >= first);
        Assert.Equal(2, _targets.Requests.Count);
    }

    private static async Task<long> StoredTimestampAsync(AppHost app)
    {
        var versions = await app.Services.GetRequiredService<Core.Storage.SnapshotStore>().ListVersionsAsync("app");
        return Assert.Single(versions).ScrapeTimestampMs;
    }
}
