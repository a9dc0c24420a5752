using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Ingestion;
using FedFunctions.Core.Scraping;
using FedFunctions.Core.Sharding;
using FedFunctions.Core.Storage;
using FedFunctions.Core.Tests.Storage;
using FedFunctions.TestSupport;

namespace FedFunctions.Core.Tests.Sharding;

/// <summary>A run that fans out over a real Azurite queue, and workers scraping its shards through the cycle's own path.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ShardFanOutTests(AzuriteServer azurite) : IAsyncLifetime
{
    private readonly SnapshotStoreOptions _options = new() { TableName = "fan" + Guid.NewGuid().ToString("N"), ContainerName = "fan" + Guid.NewGuid().ToString("N") };
    private readonly string _queueName = "fan-" + Guid.NewGuid().ToString("N")[..20];
    private readonly CountingObserver _operations = new();
    private TargetServer _targets = null!;

    public async Task InitializeAsync()
    {
        _targets = await TargetServer.StartAsync(5);
        _targets.Serve("/metrics", TargetResponse.Text("# TYPE requests_total counter\nrequests_total 7\n"));
    }

    public async Task DisposeAsync()
    {
        await _targets.DisposeAsync();
        await new TableServiceClient(azurite.ConnectionString).DeleteTableAsync(_options.TableName);
        await new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_options.ContainerName).DeleteIfExistsAsync();
        await RawQueue().DeleteIfExistsAsync();
    }

    private SnapshotStore NewStore() => new(new TableServiceClient(azurite.ConnectionString), new BlobServiceClient(azurite.ConnectionString), _options);

    private ShardQueueClient NewQueue() => ShardQueueClient.Create(azurite.ConnectionString, null, null, _queueName, _operations);

    /// <summary>The queue as a plain SDK client that reads base64, as the Functions trigger does.</summary>
    private QueueClient RawQueue() => new(azurite.ConnectionString, _queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    private FederationConfig Config(int targets) => FederationConfig.Parse(
        $"scrape_configs:\n  - job_name: app\n    scrape_interval: 1m\n    scrape_timeout: 5s\n    static_configs:\n      - targets: [{string.Join(", ", _targets.HostPorts.Take(targets).Select(t => $"'{t}'"))}]\n");

    private static Scraper NewScraper(TimeProvider? time = null) => new(Scraper.CreateHttpClient(), new ScraperOptions { TimeProvider = time ?? TimeProvider.System });

    [Fact]
    public async Task MoreDueTargetsThanOneShardAreSentAsBase64MessagesAndWorkersStoreThem()
    {
        var config = Config(5);
        var store = NewStore();
        var cycle = new ScrapeCycle(config, NewScraper(), store, shards: new QueueShardSender(NewQueue(), 2, "hash1"));

        var run = await cycle.RunAsync();

        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal((3, 5, 0, 0), (run.ShardsSent, run.TargetsSent, run.TargetsScraped, run.SnapshotsWritten));
        Assert.Equal(5, run.ActiveTargets.Count);
        Assert.Empty(await store.ListVersionsAsync());
        Assert.Equal(1, _operations.Count(StorageOperation.CreateQueue));
        Assert.Equal(3, _operations.Count(StorageOperation.Send));

        // A worker: the messages as the trigger gets them (base64-decoded), scraped through the cycle's shard path.
        var received = (await RawQueue().ReceiveMessagesAsync(32)).Value;
        Assert.Equal(3, received.Length);
        var worker = new ScrapeCycle(config, NewScraper(), NewStore());
        foreach (var message in received)
        {
            var shard = ShardMessageCodec.Decode(message.Body.ToString());
            Assert.Equal("hash1", shard.ConfigHash);
            var result = await worker.ScrapeShardAsync(shard.Targets.Select(t => ShardMessageCodec.ToTarget(t, config)).ToArray(), TimeSpan.FromSeconds(30));
            Assert.True(result.Succeeded, result.ToString());
        }
        Assert.Equal(5, (await store.ListVersionsAsync("app")).Count);

        // The next run finds them fresh: nothing is due, nothing is sent.
        var next = await cycle.RunAsync();
        Assert.Equal((0, 5), (next.ShardsSent, next.TargetsNotDue));
    }

    [Fact]
    public async Task OneShardOrFewerIsScrapedInlineWithoutTouchingTheQueue()
    {
        var store = NewStore();
        var cycle = new ScrapeCycle(Config(2), NewScraper(), store, shards: new QueueShardSender(NewQueue(), 2, "hash1"));

        var run = await cycle.RunAsync();

        Assert.Equal((0, 2, 2), (run.ShardsSent, run.TargetsScraped, run.SnapshotsWritten));
        Assert.Equal(0, _operations.Total);
        Assert.False((await RawQueue().ExistsAsync()).Value);
    }

    [Fact]
    public async Task AnUnreachableQueueFallsBackToInlineScrapingAndFailsTheRunWithTheReason()
    {
        var closed = FreePort.Next();
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteServer.AccountKey};QueueEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;";
        var store = NewStore();
        var cycle = new ScrapeCycle(Config(5), NewScraper(), store, shards: new QueueShardSender(ShardQueueClient.Create(connection, null, null, _queueName), 2, "hash1"));

        var run = await cycle.RunAsync();

        Assert.False(run.Succeeded);
        Assert.Contains(run.StorageErrors, e => e.StartsWith("sending shards: queue request failed: creating queue", StringComparison.Ordinal));
        Assert.Equal((0, 5, 5), (run.ShardsSent, run.TargetsScraped, run.SnapshotsWritten));
        Assert.Equal(5, (await store.ListVersionsAsync("app")).Count);
    }

    [Fact]
    public async Task AReplayedShardScrapedWithAnOlderTimestampNeverReplacesTheNewerSnapshot()
    {
        var config = Config(3);
        var store = NewStore();
        await new ScrapeCycle(config, NewScraper(), store, shards: new QueueShardSender(NewQueue(), 2, "h")).RunAsync();
        var messages = (await RawQueue().ReceiveMessagesAsync(32)).Value;
        var shard = ShardMessageCodec.Decode(messages.Single(m => ShardMessageCodec.Decode(m.Body.ToString()).Targets.Count == 2).Body.ToString());
        var targets = shard.Targets.Select(t => ShardMessageCodec.ToTarget(t, config)).ToArray();

        var first = await new ScrapeCycle(config, NewScraper(), NewStore()).ScrapeShardAsync(targets, TimeSpan.FromSeconds(30));
        Assert.Equal(2, first.SnapshotsWritten);
        var stored = (await store.ListVersionsAsync("app")).ToDictionary(v => v.Key, v => v.ScrapeTimestampMs);

        // The same message delivered again to a worker whose scrape ends up older (a slow worker that started earlier:
        // its clock is a minute behind), in another process (a fresh store with no cached versions).
        var late = new ScrapeCycle(config, NewScraper(new ShiftedTime(TimeSpan.FromMinutes(-1))), NewStore());
        var replay = await late.ScrapeShardAsync(targets, TimeSpan.FromSeconds(30));

        Assert.Equal((0, 2), (replay.SnapshotsWritten, replay.SnapshotsSuperseded));
        Assert.Equal(stored, (await store.ListVersionsAsync("app")).ToDictionary(v => v.Key, v => v.ScrapeTimestampMs));
    }

    [Fact]
    public async Task AWorkerThatNeverWroteTheTargetsWritesEachWithOneRequest()
    {
        // The scheduler's listing (ETags) travels in the message: a worker process whose store never wrote these targets
        // (another instance wrote them last) replaces each with one conditional update, as an inline run does.
        var config = Config(5);
        var scheduler = new ScrapeCycle(config, NewScraper(), NewStore(), shards: new QueueShardSender(NewQueue(), 2, "h"));
        await scheduler.RunAsync();
        await DrainWithFreshWorkersAsync(config);
        Assert.Equal(5, (await NewStore().ListVersionsAsync("app")).Count);

        // A minute later every target is due again; each shard goes to a worker that has not seen its targets.
        var later = new ShiftedTime(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var next = await new ScrapeCycle(config, NewScraper(later), NewStore(), timeProvider: later, shards: new QueueShardSender(NewQueue(), 2, "h")).RunAsync();
        Assert.Equal(3, next.ShardsSent);
        var messages = (await RawQueue().ReceiveMessagesAsync(32)).Value;
        Assert.All(messages, m => Assert.All(ShardMessageCodec.Decode(m.Body.ToString()).Targets, t => Assert.NotNull(t.Stored)));

        var requests = new TableRequests();
        foreach (var message in messages)
        {
            var shard = ShardMessageCodec.Decode(message.Body.ToString());
            var store = SnapshotStore.Create(StorageConnection.FromConnectionString(azurite.ConnectionString).WithRequestObserver(requests), _options);
            var worker = new ScrapeCycle(config, NewScraper(later), store, timeProvider: later);
            var result = await worker.ScrapeShardAsync(shard.Targets.Select(t => ShardMessageCodec.ToTarget(t, config)).ToArray(),
                shard.Targets.Select(t => t.Stored!), TimeSpan.FromSeconds(30));
            Assert.Equal(shard.Targets.Count, result.SnapshotsWritten);
        }
        Assert.Equal([("update", 5)], requests.ByOperation());
    }

    /// <summary>Scrapes every queued shard with a new store each (a worker process that wrote nothing yet).</summary>
    private async Task DrainWithFreshWorkersAsync(FederationConfig config)
    {
        foreach (var message in (await RawQueue().ReceiveMessagesAsync(32)).Value)
        {
            var shard = ShardMessageCodec.Decode(message.Body.ToString());
            await new ScrapeCycle(config, NewScraper(), NewStore()).ScrapeShardAsync(shard.Targets.Select(t => ShardMessageCodec.ToTarget(t, config)).ToArray(), TimeSpan.FromSeconds(30));
            await RawQueue().DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }
    }

    /// <summary>TableRequests counts the Table service requests of the stores it is given to.</summary>
    private sealed class TableRequests : IStorageRequestObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _seen = new();

        public void RequestSent(StorageService service, string operation, long bytesSent, long bytesReceived)
        {
            if (service == StorageService.Table) _seen.Enqueue(operation);
        }

        public List<(string, int)> ByOperation() => [.. _seen.GroupBy(o => o).Select(g => (g.Key, g.Count())).OrderBy(g => g.Key, StringComparer.Ordinal)];
    }

    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }

    /// <summary>CountingObserver counts the queue client's requests by operation (it reports nothing but queue requests).</summary>
    private sealed class CountingObserver : IStorageRequestObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _counts = new();

        public void RequestSent(StorageService service, string operation, long bytesSent, long bytesReceived)
        {
            Assert.Equal(StorageService.Queue, service);
            _counts.AddOrUpdate(operation, 1, (_, n) => n + 1);
        }

        public int Count(string operation) => _counts.GetValueOrDefault(operation);

        public int Total => _counts.Values.Sum();
    }
}
