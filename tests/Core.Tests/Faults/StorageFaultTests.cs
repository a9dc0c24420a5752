using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Federation;
using FedFunctions.Core.Ingestion;
using FedFunctions.Core.Model;
using FedFunctions.Core.Scraping;
using FedFunctions.Core.Selectors;
using FedFunctions.Core.Storage;
using FedFunctions.Core.Tests.Storage;
using FedFunctions.TestSupport;

namespace FedFunctions.Core.Tests.Faults;

/// <summary>StorageFaultsCollection runs the fault tests apart (and in parallel with) the rest: each kills or freezes its own Azurite.</summary>
[CollectionDefinition(Name)]
public sealed class StorageFaultsCollection
{
    /// <summary>Name is the collection name used in <c>[Collection(StorageFaultsCollection.Name)]</c>.</summary>
    public const string Name = "StorageFaults";
}

/// <summary>
/// Real storage faults on a live store, scrape cycle and federation service: Azurite killed and restarted
/// empty, frozen with SIGSTOP between requests or between a blob write and its entity write.
/// </summary>
[Collection(StorageFaultsCollection.Name)]
public sealed class StorageFaultTests : IAsyncLifetime
{
    // Only keeps a broken test from hanging the suite; the budgets under test are far shorter.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1.5);

    private readonly SnapshotStoreOptions _options = new() { TableName = "faults", ContainerName = "faults" };
    private readonly RecordingObserver _observer = new();
    private readonly EntityWriteFreezer _freezer = new();
    private AzuriteServer _azurite = null!;
    private TargetServer _targets = null!;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        _targets = await TargetServer.StartAsync();
        _targets.Serve("/metrics", TargetResponse.Text("# TYPE requests_total counter\nrequests_total{code=\"200\"} 7\n"));
    }

    public async Task DisposeAsync()
    {
        await _targets.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private SnapshotStore NewStore()
    {
        var tableOptions = SnapshotStore.TableOptions();
        tableOptions.AddPolicy(_freezer, HttpPipelinePosition.PerCall);
        _freezer.Azurite = _azurite;
        return new SnapshotStore(new TableServiceClient(_azurite.ConnectionString, tableOptions),
            new BlobServiceClient(_azurite.ConnectionString, SnapshotStore.BlobOptions()), _options, _observer);
    }

    // The big snapshot's scrape gets a 5 s slot: a loaded machine may take over 1 s to serve and parse 60,000 series.
    private static readonly TimeSpan BigSlot = TimeSpan.FromSeconds(5);

    private FederationConfig Config(string path = "/metrics", string interval = "1s") => FederationConfig.Parse(
        $"scrape_configs:\n  - job_name: app\n    scrape_interval: {interval}\n    scrape_timeout: {interval}\n    metrics_path: {path}\n    static_configs:\n      - targets: ['{_targets.HostPort}']\n");

    private static ScrapeCycle Cycle(FederationConfig config, SnapshotStore store) =>
        new(config, new Scraper(Scraper.CreateHttpClient()), store);

    private static async Task<ScrapeCycleResult> RunDueAsync(ScrapeCycle cycle, TimeSpan budget, TimeSpan? slot = null, CancellationToken stop = default)
    {
        // The job is due once per slot (1 s unless given): wait for the next slot so the run has a target to write.
        await Task.Delay((slot ?? TimeSpan.FromSeconds(1)) + TimeSpan.FromMilliseconds(100), CancellationToken.None);
        return await cycle.RunAsync(budget, stop).WaitAsync(Hang, CancellationToken.None);
    }

    private static readonly IReadOnlyList<Selector> Everything = SelectorParser.ParseMany(["{job=\"app\"}"]);

    [Fact]
    public async Task StorageRestartedEmpty_IsRecreatedAndTheNextCycleIsServed()
    {
        var config = Config();
        var store = NewStore();
        var cycle = Cycle(config, store);
        var federation = new FederationService(new SnapshotCache(store), config, FederationQuery.DefaultLookback);
        var first = await cycle.RunAsync(TimeSpan.FromSeconds(30)).WaitAsync(Hang);
        Assert.True(first.Succeeded, first.ToString());
        var before = (await federation.QueryAsync(Everything)).Single(f => f.Name == "up").Samples.Single().TimestampMs;

        await _azurite.RestartEmptyAsync();

        var second = await RunDueAsync(cycle, TimeSpan.FromSeconds(30));
        Assert.True(second.Succeeded, string.Join("; ", second.StorageErrors));
        Assert.Equal(1, second.SnapshotsWritten);
        var recreated = Assert.Single(_observer.Recreated);
        Assert.Contains("table", recreated);
        var families = await federation.QueryAsync(Everything);
        var up = families.Single(f => f.Name == "up").Samples.Single();
        Assert.Equal(1, up.Value);
        Assert.True(up.TimestampMs > before, "federation should serve the snapshot written after the restart");

        // And the store stays healthy: the next write needs no re-creation.
        var third = await RunDueAsync(cycle, TimeSpan.FromSeconds(30));
        Assert.True(third.Succeeded, third.ToString());
        Assert.Single(_observer.Recreated);
    }

    [Fact]
    public async Task StorageFrozen_FederationAndScrapeRunEndWithinTheirBudgetsAndRecover()
    {
        var config = Config();
        var store = NewStore();
        var cycle = Cycle(config, store);
        var cache = new SnapshotCache(store, readBudget: Budget);
        var federation = new FederationService(cache, config, FederationQuery.DefaultLookback);
        Assert.True((await cycle.RunAsync(TimeSpan.FromSeconds(30)).WaitAsync(Hang)).Succeeded);
        Assert.NotEmpty(await federation.QueryAsync(Everything));

        _azurite.Freeze();
        try
        {
            var byDefault = await Assert.ThrowsAsync<SnapshotStoreException>(() => federation.QueryAsync(Everything).WaitAsync(Hang));
            Assert.StartsWith("storage timed out: ", byDefault.Message);
            Assert.Contains("budget of 1.5 s", byDefault.Message);
            var byCaller = await Assert.ThrowsAsync<SnapshotStoreException>(
                () => federation.QueryAsync(Everything, FederationBudget.FromScrapeTimeoutHeader("1")).WaitAsync(Hang));
            Assert.Contains("budget of 0.5 s", byCaller.Message);

            var frozen = await RunDueAsync(cycle, Budget);
            Assert.False(frozen.Succeeded);
            Assert.StartsWith("ran out of time (budget 1.5 s)", frozen.Interruption);
            Assert.Equal(1, frozen.TargetsSkipped);
            Assert.Equal(0, frozen.SnapshotsWritten);

            // A run given what is left of its budget (the host checked the configuration first) still names the whole budget.
            await Task.Delay(TimeSpan.FromSeconds(1.1));
            var late = await cycle.RunAsync(Budget, TimeSpan.FromSeconds(1)).WaitAsync(Hang);
            Assert.StartsWith("ran out of time (budget 1.5 s)", late.Interruption);
            Assert.Equal(0, late.SnapshotsWritten);
        }
        finally
        {
            _azurite.Thaw();
        }

        Assert.NotEmpty(await federation.QueryAsync(Everything).WaitAsync(Hang));
        var thawed = await RunDueAsync(cycle, TimeSpan.FromSeconds(30));
        Assert.True(thawed.Succeeded, thawed.ToString());
        Assert.Equal(1, thawed.SnapshotsWritten);
    }

    /// <summary>
    /// Storage freezes after the blob upload, as the entity write is due. When that write never reaches storage
    /// before the run's deadline, the previous snapshot stays served. When it did reach the frozen storage, it
    /// may still land after the thaw: then the new snapshot is served, whole (its blob was kept). Never a mix.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FaultBetweenBlobAndEntityWrite_AWholeSnapshotIsServed(bool entityWriteReachesStorage)
    {
        // Random label values keep the encoded snapshot above what fits in one entity: its payload spills to a blob.
        var random = new Random(7);
        var body = new StringBuilder("# TYPE big gauge\n");
        for (var i = 0; i < 60_000; i++) body.Append("big{id=\"").Append(Convert.ToHexString(BitConverter.GetBytes(random.NextInt64()))).Append("\"} ").Append(i).Append('\n');
        _targets.Serve("/big", TargetResponse.Text(body.ToString()));
        var config = Config("/big", "5s");
        var store = NewStore();
        var cycle = Cycle(config, store);
        var federation = new FederationService(new SnapshotCache(store), config, FederationQuery.DefaultLookback);

        var first = await cycle.RunAsync(TimeSpan.FromSeconds(30)).WaitAsync(Hang);
        Assert.True(first.Succeeded, first.ToString());
        var stored = await store.ReadAsync();
        Assert.True(stored.Single().Payload.Length > 1024 * 1024, "the snapshot should spill to a blob");
        var before = (await federation.QueryAsync(Everything)).Single(f => f.Name == "up").Samples.Single().TimestampMs;

        _freezer.FreezeNextEntityWrite(holdRequest: !entityWriteReachesStorage);
        ScrapeCycleResult interrupted;
        try
        {
            // The run is stopped once the fault is in place, however long a loaded machine took to get there
            // (scrape, encode, blob upload): a fixed run budget could end the run before the entity write.
            using var stop = new CancellationTokenSource();
            var run = RunDueAsync(cycle, Hang, BigSlot, stop.Token);
            await Task.WhenAny(_freezer.Injected, run).WaitAsync(Hang);
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            await stop.CancelAsync();
            interrupted = await run;
        }
        finally
        {
            _azurite.Thaw();
        }
        Assert.True(_freezer.Froze, "the fault was never injected");
        Assert.Equal(1, interrupted.TargetsSkipped);
        Assert.Equal(0, interrupted.SnapshotsWritten);

        var families = await federation.QueryAsync(Everything);
        var served = families.Single(f => f.Name == "up").Samples.Single().TimestampMs;
        if (!entityWriteReachesStorage) Assert.Equal(before, served);
        else Assert.True(served >= before);
        Assert.Equal(60_000, families.Single(f => f.Name == "big").Samples.Count);

        var healed = await RunDueAsync(cycle, TimeSpan.FromSeconds(30), slot: BigSlot);
        Assert.True(healed.Succeeded, healed.ToString());
        Assert.True((await federation.QueryAsync(Everything)).Single(f => f.Name == "up").Samples.Single().TimestampMs > before);
    }

    private sealed class RecordingObserver : ISnapshotStoreObserver
    {
        public List<string> Recreated { get; } = [];

        public void StorageRecreated(string reason)
        {
            lock (Recreated) Recreated.Add(reason);
        }

        public void CorruptEntity(TargetKey key, string reason) => throw new InvalidOperationException($"unexpected corrupt entity {key}: {reason}");
    }

    /// <summary>
    /// EntityWriteFreezer freezes Azurite right before the next entity write leaves (after the blob was uploaded).
    /// With holdRequest the write then waits client-side until its caller gives up, as a request stuck on its way.
    /// </summary>
    private sealed class EntityWriteFreezer : HttpPipelinePolicy
    {
        private int _armed;
        private bool _hold;

        public AzuriteServer? Azurite { get; set; }

        public bool Froze { get; private set; }

        private readonly TaskCompletionSource _injected = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Injected completes when Azurite was frozen before an entity write.</summary>
        public Task Injected => _injected.Task;

        public void FreezeNextEntityWrite(bool holdRequest)
        {
            _hold = holdRequest;
            Interlocked.Exchange(ref _armed, 1);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("the store only uses async calls");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var method = message.Request.Method;
            var isEntityWrite = (method == RequestMethod.Put || method == RequestMethod.Post) && !message.Request.Uri.Path.EndsWith("/Tables", StringComparison.Ordinal);
            if (isEntityWrite && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                Azurite!.Freeze();
                Froze = true;
                _injected.TrySetResult();
                if (_hold) await Task.Delay(Timeout.Infinite, message.CancellationToken);
            }
            await ProcessNextAsync(message, pipeline);
        }
    }
}
