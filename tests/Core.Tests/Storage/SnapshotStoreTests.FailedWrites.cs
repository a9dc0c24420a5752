using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Tests.Storage;

/// <summary>A spilled payload's blob does not outlive a failed, cancelled or losing entity write.</summary>
public sealed partial class SnapshotStoreTests
{
    private const int Spilled = 2 * 1024 * 1024;

    /// <summary>
    /// Failure cases: name, whether a (spilled) snapshot is stored before, the exception the write must throw,
    /// and whether the write actually landed (its response was lost, so its blob must stay).
    /// </summary>
    public static TheoryData<string, bool, Type, bool> FailedWrites => new()
    {
        { "insert-fails", false, typeof(SnapshotStoreException), false },
        { "replace-fails", true, typeof(SnapshotStoreException), false },
        { "replace-fails-with-cached-etag", true, typeof(SnapshotStoreException), false },
        { "contention", true, typeof(SnapshotStoreException), false },
        { "cancelled", true, typeof(OperationCanceledException), false },
        { "cancelled-insert", false, typeof(OperationCanceledException), false },
        { "response-lost", true, typeof(SnapshotStoreException), true },
    };

    [Theory]
    [MemberData(nameof(FailedWrites))]
    public async Task FailedEntityWrite_LeavesNoOrphanBlob(string kind, bool storedBefore, Type expected, bool landed)
    {
        var old = Record("node", "t", 100, Spilled);
        var (pk, rk) = SnapshotEntity.Keys(old.Key);
        if (storedBefore) Assert.True(await NewStore().UpsertAsync(old));

        using var cancellation = new CancellationTokenSource();
        var failure = new TableWriteFailure(kind, cancellation);
        var store = NewStore(failure);
        if (kind == "replace-fails-with-cached-etag") Assert.Single(await store.ListVersionsAsync());
        var record = Record("node", "t", 200, Spilled);

        failure.Armed = true;
        var ex = await Xunit.Record.ExceptionAsync(() => store.UpsertAsync(record, cancellation.Token));
        failure.Armed = false;

        Assert.NotNull(ex);
        Assert.IsAssignableFrom(expected, ex);
        Assert.True(failure.Failed > 0, "the injected failure never fired");
        var blobs = await BlobNamesAsync();
        if (landed)
        {
            // The write did land: its blob stays, the old one may linger as an orphan (cleaned by DeleteExcept).
            Assert.Contains(SnapshotEntity.BlobName(pk, rk, 200), blobs);
            AssertSame(record, await NewStore().ReadOneAsync(record.Key));
            return;
        }
        Assert.Equal(storedBefore ? [SnapshotEntity.BlobName(pk, rk, 100)] : [], blobs);
        var stored = await NewStore().ReadOneAsync(record.Key);
        if (storedBefore) AssertSame(old, stored);
        else Assert.Null(stored);

        // The store still works once storage does.
        Assert.True(await store.UpsertAsync(record));
        AssertSame(record, await NewStore().ReadOneAsync(record.Key));
        Assert.Equal([SnapshotEntity.BlobName(pk, rk, 200)], await BlobNamesAsync());
    }

    [Fact]
    public async Task LosingToANewerSnapshot_LeavesNoBlob()
    {
        var stale = NewStore();
        Assert.True(await stale.UpsertAsync(Record("node", "t", 100)));
        Assert.True(await NewStore().UpsertAsync(Record("node", "t", 300, Spilled)));
        var (pk, rk) = SnapshotEntity.Keys(new TargetKey("node", "t"));

        // The stale store's cached ETag fails (412): it re-reads, finds 300 newer and drops its own upload.
        Assert.False(await stale.UpsertAsync(Record("node", "t", 200, Spilled)));

        Assert.Equal([SnapshotEntity.BlobName(pk, rk, 300)], await BlobNamesAsync());
        Assert.Equal(300, (await NewStore().ReadOneAsync(new TargetKey("node", "t")))!.ScrapeTimestampMs);
    }

    private SnapshotStore NewStore(TableWriteFailure failure)
    {
        var tableOptions = SnapshotStore.TableOptions();
        tableOptions.AddPolicy(_requests, HttpPipelinePosition.PerCall);
        tableOptions.AddPolicy(failure, HttpPipelinePosition.PerCall);
        var blobOptions = SnapshotStore.BlobOptions();
        blobOptions.AddPolicy(_requests, HttpPipelinePosition.PerCall);
        return new SnapshotStore(new TableServiceClient(Connection, tableOptions), new BlobServiceClient(Connection, blobOptions), _options);
    }

    /// <summary>
    /// TableWriteFailure makes the table writes (anything but GET) of one store fail while armed: with HTTP 503,
    /// 412 (a concurrent change, every time), a cancellation, or a lost response after the write landed.
    /// </summary>
    private sealed class TableWriteFailure(string kind, CancellationTokenSource cancellation) : HttpPipelinePolicy
    {
        private int _failed;

        public bool Armed { get; set; }

        public int Failed => Volatile.Read(ref _failed);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("the store is asynchronous");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (!Armed || message.Request.Method == RequestMethod.Get)
            {
                await ProcessNextAsync(message, pipeline);
                return;
            }
            Interlocked.Increment(ref _failed);
            switch (kind)
            {
                case "contention":
                    throw new RequestFailedException(412, "injected: the entity changed", "UpdateConditionNotSatisfied", null);
                case "cancelled" or "cancelled-insert":
                    await cancellation.CancelAsync();
                    message.CancellationToken.ThrowIfCancellationRequested();
                    throw new InvalidOperationException("the store did not pass the caller's token to the request");
                case "response-lost":
                    await ProcessNextAsync(message, pipeline);
                    throw new RequestFailedException(500, "injected: the response was lost", "InternalError", null);
                default:
                    throw new RequestFailedException(503, "injected: table write failed", "ServerBusy", null);
            }
        }
    }
}
