using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using FedFunctions.Core.Storage;
using FedFunctions.TestSupport;

namespace FedFunctions.Core.Tests.Storage;

/// <summary>Integration tests of <see cref="SnapshotStore"/> against a real Azurite; each test uses its own table and container.</summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class SnapshotStoreTests(AzuriteServer azurite) : IAsyncLifetime
{
    private readonly SnapshotStoreOptions _options = new()
    {
        TableName = "t" + Guid.NewGuid().ToString("N"),
        ContainerName = "c" + Guid.NewGuid().ToString("N"),
    };

    private readonly RequestCounter _requests = new();

    private string Connection => azurite.ConnectionString;

    private TableServiceClient Tables => new(azurite.ConnectionString);
    private BlobContainerClient Container => new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_options.ContainerName);

    private SnapshotStore NewStore(ISnapshotStoreObserver? observer = null)
    {
        var tableOptions = SnapshotStore.TableOptions();
        tableOptions.AddPolicy(_requests, HttpPipelinePosition.PerCall);
        var blobOptions = SnapshotStore.BlobOptions();
        blobOptions.AddPolicy(_requests, HttpPipelinePosition.PerCall);
        return new SnapshotStore(new TableServiceClient(azurite.ConnectionString, tableOptions), new BlobServiceClient(azurite.ConnectionString, blobOptions), _options, observer);
    }

    public async Task InitializeAsync() => await NewStore().EnsureCreatedAsync();

    public async Task DisposeAsync()
    {
        await Tables.DeleteTableAsync(_options.TableName);
        await Container.DeleteIfExistsAsync();
    }

    private static SnapshotRecord Record(string job, string targetId, long timestamp, int payloadLength = 100, bool up = true)
    {
        var payload = new byte[payloadLength];
        new Random(HashCode.Combine(job, targetId, timestamp)).NextBytes(payload);
        return new SnapshotRecord(new TargetKey(job, targetId), timestamp, up, $"{{instance=\"{targetId}\", job=\"{job}\"}}", payload);
    }

    private static void AssertSame(SnapshotRecord expected, SnapshotRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.ScrapeTimestampMs, actual.ScrapeTimestampMs);
        Assert.Equal(expected.Up, actual.Up);
        Assert.Equal(expected.TargetLabels, actual.TargetLabels);
        Assert.Equal(expected.Payload.Length, actual.Payload.Length);
        Assert.True(expected.Payload.Span.SequenceEqual(actual.Payload.Span), "payload bytes differ");
    }

    private async Task<List<string>> BlobNamesAsync()
    {
        var names = new List<string>();
        await foreach (var blob in Container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, null, default)) names.Add(blob.Name);
        return names;
    }

    [Fact]
    public async Task EnsureCreated_IsIdempotent()
    {
        var store = NewStore();
        await store.EnsureCreatedAsync();
        await store.EnsureCreatedAsync();
        Assert.True(await Container.ExistsAsync());
    }

    public static TheoryData<string, string, int> RoundTrips => new()
    {
        { "node", "host:9100~0123456789abcdef", 0 },
        { "node", "host:9100~0123456789abcdef", 1000 },
        { "a/b\\c#d?e%f\u0001\u0085", "x/y?z~0123456789abcdef", 5000 },
        { "chunked", "big~0123456789abcdef", 5 * PayloadLayout.ChunkBytes + 3 },
        { new string('j', 700), new string('t', 900), 10 },
    };

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public async Task Upsert_ThenReadBack(string job, string targetId, int payloadLength)
    {
        var store = NewStore();
        var record = Record(job, targetId, 1_700_000_000_000, payloadLength, up: payloadLength % 2 == 0);

        Assert.True(await store.UpsertAsync(record));

        AssertSame(record, await store.ReadOneAsync(record.Key));
        AssertSame(record, Assert.Single(await NewStore().ReadAsync(job)));
        AssertSame(record, Assert.Single(await NewStore().ReadAsync()));
        Assert.Empty(await store.ReadAsync("other"));
        Assert.Null(await store.ReadOneAsync(new TargetKey(job, "missing")));
        Assert.Empty(await BlobNamesAsync());
    }

    [Fact]
    public async Task Upsert_ReplacesAnOlderSnapshotWithOneWriteRequest()
    {
        var store = NewStore();
        Assert.True(await store.UpsertAsync(Record("node", "a", 100)));
        var newer = Record("node", "a", 200, 300);

        _requests.Reset();
        Assert.True(await store.UpsertAsync(newer));

        Assert.Equal(["PUT"], _requests.Methods);
        AssertSame(newer, await store.ReadOneAsync(newer.Key));
    }

    [Fact]
    public async Task ATableNotCreatedYetReadsAsEmptyAndIsCreatedOnce()
    {
        // Storage that was down at start-up: nothing scraped yet is an empty answer, not an error.
        var options = new SnapshotStoreOptions { TableName = "n" + Guid.NewGuid().ToString("N"), ContainerName = "n" + Guid.NewGuid().ToString("N") };
        var store = new SnapshotStore(new TableServiceClient(azurite.ConnectionString), new BlobServiceClient(azurite.ConnectionString), options);
        Assert.Empty(await store.ListVersionsAsync());
        Assert.Empty(await store.ReadAsync("node"));

        await store.EnsureCreatedAsync();
        await store.EnsureCreatedAsync(); // the second call is free
        Assert.True(await store.UpsertAsync(Record("node", "a", 1)));
        Assert.Single(await store.ListVersionsAsync());
        await Tables.DeleteTableAsync(options.TableName);
        await new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(options.ContainerName).DeleteIfExistsAsync();
    }

    [Fact]
    public async Task ReadAsync_FollowsContinuationTokens()
    {
        const int count = 1234;
        var table = Tables.GetTableClient(_options.TableName);
        var records = Enumerable.Range(0, count).Select(i => Record("bulk", $"target-{i:D5}", 1000 + i, 16)).ToList();
        foreach (var batch in records.Chunk(100))
        {
            var actions = batch.Select(r =>
            {
                var (pk, rk) = SnapshotEntity.Keys(r.Key);
                var layout = PayloadLayout.Plan(SnapshotEntity.FixedBytes(pk, rk, r), SnapshotEntity.FixedProperties, r.Payload.Length, "unused");
                return new TableTransactionAction(TableTransactionActionType.Add, SnapshotEntity.Build(r, pk, rk, layout, null));
            });
            await table.SubmitTransactionAsync(actions);
        }
        var store = NewStore();
        Assert.True(await store.UpsertAsync(Record("other", "x", 5)));

        _requests.Reset();
        var read = await store.ReadAsync("bulk");
        var pages = _requests.Methods.Count;
        var all = await store.ReadAsync();
        var versions = await store.ListVersionsAsync("bulk");

        Assert.True(pages >= 2, $"read {count} entities in {pages} request(s); expected a continuation");
        Assert.Equal(count, read.Count);
        Assert.Equal(count, read.Select(r => r.Key).Distinct().Count());
        AssertSame(records[1111], read.Single(r => r.Key == records[1111].Key));
        Assert.Equal(count + 1, all.Count);
        Assert.Equal(count, versions.Count);
        Assert.Equal(records.Select(r => r.ScrapeTimestampMs).Order(), versions.Select(v => v.ScrapeTimestampMs).Order());
    }

    [Fact]
    public async Task Upsert_SpillsLargePayloadsToBlobsAndCleansUpOldOnes()
    {
        var store = NewStore();
        var first = Record("big", "t", 100, 1536 * 1024);
        var (pk, rk) = SnapshotEntity.Keys(first.Key);

        Assert.True(await store.UpsertAsync(first));
        AssertSame(first, await NewStore().ReadOneAsync(first.Key));
        Assert.Equal([SnapshotEntity.BlobName(pk, rk, 100)], await BlobNamesAsync());

        var second = Record("big", "t", 200, 3 * 1024 * 1024 + 1);
        Assert.True(await store.UpsertAsync(second));
        AssertSame(second, Assert.Single(await NewStore().ReadAsync("big")));
        Assert.Equal([SnapshotEntity.BlobName(pk, rk, 200)], await BlobNamesAsync());

        var small = Record("big", "t", 300, 10);
        Assert.True(await store.UpsertAsync(small));
        AssertSame(small, await NewStore().ReadOneAsync(small.Key));
        Assert.Empty(await BlobNamesAsync());
    }

    [Fact]
    public async Task Upsert_NeverOverwritesANewerSnapshot()
    {
        var store = NewStore();
        var newer = Record("node", "a", 200);

        Assert.True(await store.UpsertAsync(newer));
        Assert.False(await store.UpsertAsync(Record("node", "a", 100)));
        Assert.True(await store.UpsertAsync(Record("node", "a", 200, 7)));

        var stored = await store.ReadOneAsync(newer.Key);
        Assert.Equal(200, stored!.ScrapeTimestampMs);
        Assert.Equal(7, stored.Payload.Length);
    }

    [Fact]
    public async Task Upsert_AcrossInstances_OlderScrapeLosesAndLeavesNoBlob()
    {
        var a = NewStore();
        var b = NewStore();

        Assert.True(await a.UpsertAsync(Record("node", "t", 100)));
        Assert.True(await b.UpsertAsync(Record("node", "t", 200)));   // b has no cached ETag: read, then replace
        // a's cached ETag is stale: 412, re-read, and the stored 200 wins over a's late 150 (spilled, so its blob must go).
        Assert.False(await a.UpsertAsync(Record("node", "t", 150, 2 * 1024 * 1024)));
        Assert.Empty(await BlobNamesAsync());
        Assert.Equal(200, (await b.ReadOneAsync(new TargetKey("node", "t")))!.ScrapeTimestampMs);

        var latest = Record("node", "t", 300, 2 * 1024 * 1024);
        Assert.True(await a.UpsertAsync(latest));
        Assert.False(await b.UpsertAsync(Record("node", "t", 250)));
        AssertSame(latest, await b.ReadOneAsync(latest.Key));
    }

    [Fact]
    public async Task Upsert_ConcurrentInstancesKeepTheNewest()
    {
        var stores = new[] { NewStore(), NewStore(), NewStore() };
        var timestamps = Enumerable.Range(1, 60).OrderBy(i => (i * 37) % 61).ToArray();

        await Task.WhenAll(stores.Select((store, s) => Task.Run(async () =>
        {
            for (var i = s; i < timestamps.Length; i += stores.Length)
                await store.UpsertAsync(Record("race", "t", timestamps[i], 50));
        })));

        Assert.Equal(60, (await NewStore().ReadOneAsync(new TargetKey("race", "t")))!.ScrapeTimestampMs);
    }

    [Fact]
    public async Task DeleteExcept_RemovesEntitiesAndBlobsOfRemovedTargets()
    {
        var store = NewStore();
        var keep = Record("node", "keep", 1);
        var goneSmall = Record("node", "gone", 1);
        var goneBig = Record("other/job", "big", 1, 2 * 1024 * 1024);
        foreach (var r in new[] { keep, goneSmall, goneBig }) Assert.True(await store.UpsertAsync(r));
        // An orphan of an interrupted write under a removed target's prefix goes too.
        var (pk, rk) = SnapshotEntity.Keys(goneSmall.Key);
        await Container.UploadBlobAsync(SnapshotEntity.BlobName(pk, rk, 99), BinaryData.FromString("orphan"));

        var deleted = await store.DeleteExceptAsync(new HashSet<TargetKey> { keep.Key });

        Assert.Equal(2, deleted);
        AssertSame(keep, Assert.Single(await NewStore().ReadAsync()));
        Assert.Empty(await BlobNamesAsync());
        Assert.Equal(0, await store.DeleteExceptAsync(new HashSet<TargetKey> { keep.Key }));
        // The store forgot the deleted target: writing it again inserts it.
        Assert.True(await store.UpsertAsync(goneSmall));
        Assert.NotNull(await store.ReadOneAsync(goneSmall.Key));
    }

    [Fact]
    public async Task ListVersions_ReturnsKeysTimestampsAndETags()
    {
        var store = NewStore();
        var records = new[] { Record("a", "1", 10), Record("a", "2", 20, 2 * 1024 * 1024), Record("b", "1", 30) };
        foreach (var r in records) Assert.True(await store.UpsertAsync(r));

        var all = await NewStore().ListVersionsAsync();
        var onlyA = await NewStore().ListVersionsAsync("a");

        Assert.Equal(records.Select(r => (r.Key, r.ScrapeTimestampMs)), all.Select(v => (v.Key, v.ScrapeTimestampMs)).OrderBy(v => v.ScrapeTimestampMs));
        Assert.All(all, v => Assert.False(string.IsNullOrEmpty(v.ETag)));
        Assert.Equal(["1", "2"], onlyA.Select(v => v.Key.TargetId).Order());
    }

    [Fact]
    public async Task ListVersions_PrimesTheETagCacheForOneRequestWrites()
    {
        Assert.True(await NewStore().UpsertAsync(Record("node", "a", 100)));
        var restarted = NewStore();
        await restarted.ListVersionsAsync();

        _requests.Reset();
        Assert.True(await restarted.UpsertAsync(Record("node", "a", 200)));
        Assert.False(await restarted.UpsertAsync(Record("node", "a", 150)));

        Assert.Equal(["PUT"], _requests.Methods);
    }

    [Fact]
    public async Task UnreachableStorage_FailsQuicklyWithSnapshotStoreException()
    {
        var port = ClosedPort();
        var connection = $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={AzuriteServer.AccountKey};" +
                         $"BlobEndpoint=http://127.0.0.1:{port}/{AzuriteServer.AccountName};TableEndpoint=http://127.0.0.1:{port}/{AzuriteServer.AccountName};";
        var store = SnapshotStore.Create(StorageConnection.FromConnectionString(connection), _options);
        var clock = Stopwatch.StartNew();

        var operations = new Func<Task>[]
        {
            () => store.EnsureCreatedAsync(),
            () => store.UpsertAsync(Record("node", "a", 1)),
            () => store.ReadAsync(),
            () => store.ListVersionsAsync("node"),
            () => store.ReadOneAsync(new TargetKey("node", "a")),
            () => store.DeleteExceptAsync(new HashSet<TargetKey>()),
        };
        foreach (var operation in operations)
        {
            var ex = await Assert.ThrowsAsync<SnapshotStoreException>(operation);
            Assert.StartsWith("storage unreachable: ", ex.Message);
        }

        // Behaviour, not a benchmark: with two short retries six operations take seconds; default retries would take minutes.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>RequestCounter records the HTTP methods the store sends, to prove the one-request write path.</summary>
    private sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        private readonly List<string> _methods = [];

        public IReadOnlyList<string> Methods
        {
            get { lock (_methods) return [.. _methods]; }
        }

        public void Reset()
        {
            lock (_methods) _methods.Clear();
        }

        public override void OnSendingRequest(HttpMessage message)
        {
            lock (_methods) _methods.Add(message.Request.Method.ToString());
        }
    }
}
