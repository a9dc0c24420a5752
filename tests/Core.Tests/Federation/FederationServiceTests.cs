using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Federation;
using FedFunctions.Core.Selectors;
using FedFunctions.Core.Storage;
using FedFunctions.Core.Tests.Storage;
using FedFunctions.TestSupport;

namespace FedFunctions.Core.Tests.Federation;

public sealed class FederationServiceTests
{
    private static FederationService Service(string yaml) =>
        new(new SnapshotCache(new SnapshotStore(new TableServiceClient("UseDevelopmentStorage=true"), new BlobServiceClient("UseDevelopmentStorage=true"))),
            FederationConfig.Parse(yaml), FederationQuery.DefaultLookback);

    private const string Jobs = """
        scrape_configs:
          - job_name: node
            static_configs: [{targets: ['a:1']}]
          - job_name: federate
            honor_labels: true
            static_configs: [{targets: ['b:1']}]
          - job_name: relabelled
            static_configs: [{targets: ['c:1'], labels: {job: web}}]
          - job_name: rewritten
            static_configs: [{targets: ['d:1']}]
            metric_relabel_configs:
              - source_labels: [service]
                target_label: job
          - job_name: discovered
            file_sd_configs: [{files: ['/sd/*.json']}]
          - job_name: relabel-job
            static_configs: [{targets: ['e:1']}]
            relabel_configs:
              - source_labels: [__address__]
                target_label: job
        """;

    [Theory]
    // honor_labels, job-rewriting rules and discovered groups (whose labels may set any job) may hold any job
    [InlineData(new[] { "{job=\"node\"}" }, "discovered,federate,node,relabel-job,rewritten")]
    [InlineData(new[] { "up{job=\"x\"}", "{job=\"node\"}" }, "discovered,federate,node,relabel-job,rewritten")]
    [InlineData(new[] { "up{job=\"web\"}" }, "discovered,federate,relabel-job,relabelled,rewritten")] // a static job label, not the job name
    [InlineData(new[] { "up{job=\"relabelled\"}" }, "discovered,federate,relabel-job,rewritten")]
    [InlineData(new[] { "{job=~\"node\"}" }, null)]                    // regex: every partition
    [InlineData(new[] { "up", "{job=\"node\"}" }, null)]               // one selector without job: every partition
    [InlineData(new[] { "{job=\"\"}" }, null)]                         // matches series without a job
    public void OnlyPartitionsThatCanMatchAreRead(string[] selectors, string? expected)
    {
        var jobs = Service(Jobs).JobsThatCanMatch(SelectorParser.ParseMany(selectors));
        Assert.Equal(expected, jobs is null ? null : string.Join(",", jobs.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void ExternalLabelsGetAnEmptyInstanceUnlessConfigured()
    {
        var plain = Service("global:\n  external_labels:\n    region: eu\nscrape_configs: []\n");
        Assert.Equal(["instance=\"\"", "region=\"eu\""], plain.ExternalLabels.Labels.Select(l => l.ToString()));
        var withInstance = Service("global:\n  external_labels:\n    instance: global-1\nscrape_configs: []\n");
        Assert.Equal(["instance=\"global-1\""], withInstance.ExternalLabels.Labels.Select(l => l.ToString()));
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class SnapshotCacheTests(AzuriteServer azurite)
{
    /// <summary>A store over tables and a container of its own on the shared Azurite, created.</summary>
    private async Task<SnapshotStore> NewStoreAsync(string prefix = "cache")
    {
        var options = new SnapshotStoreOptions { TableName = prefix + Guid.NewGuid().ToString("N"), ContainerName = prefix + Guid.NewGuid().ToString("N") };
        var store = new SnapshotStore(new TableServiceClient(azurite.ConnectionString), new BlobServiceClient(azurite.ConnectionString), options);
        await store.EnsureCreatedAsync();
        return store;
    }

    [Fact]
    public async Task RefreshesOnlyWhatChangedAndForgetsDeletedTargets()
    {
        var store = await NewStoreAsync();
        var cache = new SnapshotCache(store);
        var a = Snapshots.Record("node", "a", 1000, value: 1);
        var b = Snapshots.Record("node", "b", 1000, value: 2);
        await store.UpsertAsync(a);
        await store.UpsertAsync(b);

        var first = await cache.GetAsync(null);
        Assert.Equal(2, first.Count);
        var second = await cache.GetAsync(null);
        Assert.Same(first[0], second.Single(s => s.Snapshot.TargetLabels.Equals(first[0].Snapshot.TargetLabels))); // unchanged: not decoded again

        await store.UpsertAsync(Snapshots.Record("node", "a", 2000, value: 5));
        var third = await cache.GetAsync(["node"]);
        Assert.Equal(5, third.Single(s => s.Snapshot.TargetLabels.Get("instance") == "a").Snapshot.Samples[0].Value);

        await store.DeleteExceptAsync(new HashSet<TargetKey> { b.Key });
        var fourth = await cache.GetAsync(null);
        Assert.Equal("b", Assert.Single(fourth).Snapshot.TargetLabels.Get("instance"));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task ListingsAreSharedWithinTheRefreshIntervalAndInvalidatedOnDemand()
    {
        var store = await NewStoreAsync();
        var clock = new ManualClock();
        var cache = new SnapshotCache(store, TimeSpan.FromSeconds(1), clock);
        await store.UpsertAsync(Snapshots.Record("node", "a", 1000, value: 1));
        Assert.Single(await cache.GetAsync(null));

        await store.UpsertAsync(Snapshots.Record("node", "b", 1000, value: 2));
        Assert.Single(await cache.GetAsync(null));        // within the interval: the same listing
        Assert.Equal(2, (await cache.GetAsync(["node"])).Count); // another scope lists on its own

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, (await cache.GetAsync(null)).Count); // two intervals over: listed again before answering

        await store.UpsertAsync(Snapshots.Record("node", "c", 1000, value: 3));
        cache.Invalidate();                                   // what a scrape run in this instance does
        Assert.Equal(3, (await cache.GetAsync(null)).Count);
    }

    [Fact]
    public async Task InTheIntervalAfterTheRefreshIntervalTheLastListingIsServedWhileOneRefreshRunsInTheBackground()
    {
        var store = await NewStoreAsync();
        var clock = new ManualClock();
        var cache = new SnapshotCache(store, TimeSpan.FromSeconds(1), clock);
        await store.UpsertAsync(Snapshots.Record("node", "a", 1000, value: 1));
        var first = await cache.GetAsync(null);
        Assert.Single(first);

        await store.UpsertAsync(Snapshots.Record("node", "b", 1000, value: 2));
        clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Same(first, await cache.GetAsync(null));   // the last listing, at once
        Assert.Same(first, await cache.GetAsync(null));   // a second request starts no second refresh
        await cache.BackgroundRefreshes;
        var refreshed = await cache.GetAsync(null);       // the background listing, without asking storage again
        Assert.Equal(2, refreshed.Count);

        // The refreshed listing is stamped with when it started: reused for a whole interval from then.
        await store.UpsertAsync(Snapshots.Record("node", "c", 1000, value: 3));
        clock.Advance(TimeSpan.FromSeconds(0.9));
        Assert.Same(refreshed, await cache.GetAsync(null));
        await cache.BackgroundRefreshes;
        Assert.Same(refreshed, await cache.GetAsync(null));
    }

    [Fact]
    public async Task AListingInvalidatedWhileItRanInTheBackgroundIsListedAgainByTheNextRequest()
    {
        var options = new SnapshotStoreOptions { TableName = "cache" + Guid.NewGuid().ToString("N"), ContainerName = "cache" + Guid.NewGuid().ToString("N") };
        var gate = new ListingGate();
        var tableOptions = SnapshotStore.TableOptions();
        tableOptions.AddPolicy(gate, HttpPipelinePosition.PerCall);
        var store = new SnapshotStore(new TableServiceClient(azurite.ConnectionString, tableOptions), new BlobServiceClient(azurite.ConnectionString), options);
        var writer = new SnapshotStore(new TableServiceClient(azurite.ConnectionString), new BlobServiceClient(azurite.ConnectionString), options);
        await writer.EnsureCreatedAsync();
        var clock = new ManualClock();
        var cache = new SnapshotCache(store, TimeSpan.FromSeconds(1), clock);
        await writer.UpsertAsync(Snapshots.Record("node", "a", 1000, value: 1));
        Assert.Single(await cache.GetAsync(null));

        gate.HoldNextListing();
        clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Single(await cache.GetAsync(null));        // starts the background refresh
        await gate.Held.WaitAsync(TimeSpan.FromSeconds(30)); // its listing is read (only "a") and held
        await writer.UpsertAsync(Snapshots.Record("node", "b", 1000, value: 2));
        cache.Invalidate();                               // what a scrape run in this instance does after storing
        gate.Release();
        await cache.BackgroundRefreshes;
        Assert.Equal(2, (await cache.GetAsync(null)).Count); // the older background listing is not reused: listed again
    }

    /// <summary>Holds the response of the next table query after it arrived, until released.</summary>
    private sealed class ListingGate : HttpPipelinePolicy
    {
        private int _armed;
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Held => _held.Task;

        public void HoldNextListing() => Interlocked.Exchange(ref _armed, 1);

        public void Release() => _released.TrySetResult();

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("the store only uses async calls");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (message.Request.Method == RequestMethod.Get && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                _held.TrySetResult();
                await _released.Task;
            }
        }
    }

    [Fact]
    public async Task ABackgroundRefreshThatFailsIsReportedAndTheNextRequestPastTwoIntervalsGetsTheError()
    {
        await using var own = await AzuriteServer.StartAsync();
        var store = new SnapshotStore(new TableServiceClient(own.ConnectionString), new BlobServiceClient(own.ConnectionString));
        await store.EnsureCreatedAsync();
        var clock = new ManualClock();
        var reported = new RecordingCacheObserver();
        var cache = new SnapshotCache(store, TimeSpan.FromSeconds(1), clock, readBudget: TimeSpan.FromSeconds(1), observer: reported);
        await store.UpsertAsync(Snapshots.Record("node", "a", 1000, value: 1));
        var first = await cache.GetAsync(null);

        await own.KillAsync(); // storage unreachable from here on
        clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Same(first, await cache.GetAsync(null));
        await cache.BackgroundRefreshes;
        Assert.IsType<SnapshotStoreException>(Assert.Single(reported.RefreshFailures));
        Assert.Same(first, await cache.GetAsync(null));   // still within two intervals of the last good listing

        clock.Advance(TimeSpan.FromSeconds(0.5));
        await Assert.ThrowsAsync<SnapshotStoreException>(() => cache.GetAsync(null));
    }

    [Fact]
    public async Task WhileNoSnapshotChangesTheSameListIsReturned()
    {
        var store = await NewStoreAsync();
        var cache = new SnapshotCache(store); // no refresh interval: every call lists
        await store.UpsertAsync(Snapshots.Record("node", "a", 1000, value: 1));
        await store.UpsertAsync(Snapshots.Record("node", "b", 1000, value: 2));

        var first = await cache.GetAsync(null);
        Assert.Same(first, await cache.GetAsync(null));
        Assert.NotSame(first, await cache.GetAsync(["node"])); // another scope, its own list

        await store.UpsertAsync(Snapshots.Record("node", "b", 2000, value: 3));
        var changed = await cache.GetAsync(null);
        Assert.NotSame(first, changed);
        Assert.Same(changed, await cache.GetAsync(null));

        await store.DeleteExceptAsync(new HashSet<TargetKey> { new("node", "a") });
        Assert.Single(await cache.GetAsync(null));
    }

    [Fact]
    public async Task ARepeatedSelectionIsReusedUntilASnapshotChangesOrTheClockMovesASampleOut()
    {
        var store = await NewStoreAsync("sel");
        const long scrapedMs = 1_700_000_000_000;
        var clock = new WallClock(scrapedMs + 1000);
        var federation = new FederationService(new SnapshotCache(store), FederationConfig.Parse("scrape_configs: []\n"), TimeSpan.FromMinutes(5), clock);
        await store.UpsertAsync(Snapshots.Record("node", "a", scrapedMs, value: 1));
        await store.UpsertAsync(Snapshots.Record("node", "b", scrapedMs, value: 2));
        var selectors = SelectorParser.ParseMany(["m{instance=\"a\"}", "m{instance=\"b\"}"]);

        var first = await federation.QueryAsync(selectors);
        Assert.Equal(2, first.Single().Samples.Count);
        Assert.Same(first, await federation.QueryAsync(selectors));                     // asked again: reused
        Assert.Same(first, await federation.QueryAsync([selectors[1], selectors[0]]));  // in another order: the same set
        Assert.NotSame(first, await federation.QueryAsync([selectors[0]]));             // another set: selected on its own

        // A new snapshot: selected again, with the new value.
        await store.UpsertAsync(Snapshots.Record("node", "b", scrapedMs + 500, value: 7));
        var changed = await federation.QueryAsync(selectors);
        Assert.Equal([1.0, 7.0], changed.Single().Samples.Select(s => s.Value));
        Assert.Same(changed, await federation.QueryAsync(selectors));

        // The clock at the last moment a, scraped at scrapedMs, is within the 5 min lookback: still reused.
        clock.NowMs = scrapedMs + 300_000;
        Assert.Same(changed, await federation.QueryAsync(selectors));
        // One ms later a is out: selected again, without it.
        clock.NowMs = scrapedMs + 300_001;
        var later = await federation.QueryAsync(selectors);
        Assert.Equal([7.0], later.Single().Samples.Select(s => s.Value));
    }

    [Fact]
    public async Task DifferentSelectionsOverUnchangedSnapshotsAreAnsweredFromTheFamilysIndex()
    {
        var store = await NewStoreAsync("idx");
        const long scrapedMs = 1_700_000_000_000;
        var cache = new SnapshotCache(store);
        var federation = new FederationService(cache, FederationConfig.Parse("scrape_configs: []\n"), TimeSpan.FromMinutes(5), new WallClock(scrapedMs + 1000));
        await store.UpsertAsync(Snapshots.Record("node", "a", scrapedMs, value: 1));
        await store.UpsertAsync(Snapshots.Record("node", "b", scrapedMs, value: 2));

        static string Values(IReadOnlyList<Model.MetricFamily> families) => string.Join(" ", families.SelectMany(f => f.Samples).Select(s => s.Value));
        Assert.Equal("1", Values(await federation.QueryAsync(SelectorParser.ParseMany(["m{instance=\"a\"}"]))));  // scanned
        Assert.Equal("2", Values(await federation.QueryAsync(SelectorParser.ParseMany(["m{instance=\"b\"}"]))));  // indexed
        Assert.Equal("1 2", Values(await federation.QueryAsync(SelectorParser.ParseMany(["m{x=\"\"}"]))));
        Assert.Equal("", Values(await federation.QueryAsync(SelectorParser.ParseMany(["m{instance=\"c\"}"]))));
        Assert.Equal(1, ((SnapshotSet)await cache.GetAsync(null)).IndexedFamilyCount);

        // A new snapshot makes a new set: its answers carry the new value.
        await store.UpsertAsync(Snapshots.Record("node", "b", scrapedMs + 500, value: 7));
        Assert.Equal("7", Values(await federation.QueryAsync(SelectorParser.ParseMany(["m{instance=\"b\"}"]))));
        Assert.Equal("1 7", Values(await federation.QueryAsync(SelectorParser.ParseMany(["m{x=\"\"}"]))));
        Assert.Equal(1, ((SnapshotSet)await cache.GetAsync(null)).IndexedFamilyCount);
    }

    /// <summary>A wall clock the test sets (the federation's evaluation time).</summary>
    private sealed class WallClock(long nowMs) : TimeProvider
    {
        public long NowMs { get; set; } = nowMs;
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;
        public void Advance(TimeSpan by) => _ticks += by.Ticks;
        public override long GetTimestamp() => _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }

    [Fact]
    public async Task AnUnreadableSnapshotIsSkippedAndReported()
    {
        var store = await NewStoreAsync();
        await store.UpsertAsync(Snapshots.Record("node", "good", 1000, value: 1));
        await store.UpsertAsync(new SnapshotRecord(new TargetKey("node", "bad"), 1000, true, "{}", new byte[] { 1, 2, 3, 4, 5 }));
        var reported = new RecordingCacheObserver();
        var cache = new SnapshotCache(store, observer: reported);

        var snapshots = await cache.GetAsync(null);
        Assert.Equal("good", Assert.Single(snapshots).Snapshot.TargetLabels.Get("instance"));
        Assert.Equal([new TargetKey("node", "bad")], reported.Corrupt);
        Assert.Equal(1, cache.CorruptSnapshots);

        // The same bad version is not fetched, decoded and reported again on every request.
        Assert.Single(await cache.GetAsync(null));
        Assert.Single(reported.Corrupt);

        // Once the target is scraped again it is served.
        await store.UpsertAsync(Snapshots.Record("node", "bad", 2000, value: 9));
        Assert.Equal(2, (await cache.GetAsync(null)).Count);
    }

    /// <summary>Records the keys the cache reports as unreadable.</summary>
    private sealed class RecordingCacheObserver : ISnapshotCacheObserver
    {
        public List<TargetKey> Corrupt { get; } = [];

        public List<Exception> RefreshFailures { get; } = [];

        public void CorruptSnapshot(TargetKey key, Exception error)
        {
            lock (Corrupt) Corrupt.Add(key);
        }

        public void BackgroundRefreshFailed(Exception exception)
        {
            lock (RefreshFailures) RefreshFailures.Add(exception);
        }
    }
}

internal static class Snapshots
{
    public static SnapshotRecord Record(string job, string instance, long timestampMs, double value)
    {
        var labels = Model.Labels.Of("instance", instance, "job", job);
        var snapshot = new Model.TargetSnapshot
        {
            TargetLabels = labels,
            ScrapeTimestampMs = timestampMs,
            Up = true,
            Samples = [new Model.Sample(labels.ToBuilder().Set("__name__", "m").Build(), value, timestampMs)],
        };
        return new SnapshotRecord(new TargetKey(job, instance), timestampMs, true, labels.ToString(), Snapshots.Codec(snapshot));
    }

    private static byte[] Codec(Model.TargetSnapshot snapshot) => Core.Snapshots.SnapshotCodec.Encode(snapshot);
}
