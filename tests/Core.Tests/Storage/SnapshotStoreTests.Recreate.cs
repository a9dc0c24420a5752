using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Tests.Storage;

/// <summary>A table or container deleted while the store lives on is created again by the next write.</summary>
public sealed partial class SnapshotStoreTests
{
    private sealed class RecreationCounter : ISnapshotStoreObserver
    {
        private int _recreated;

        public int Recreated => Volatile.Read(ref _recreated);

        public string? LastReason { get; private set; }

        public void StorageRecreated(string reason)
        {
            LastReason = reason;
            Interlocked.Increment(ref _recreated);
        }

        public void CorruptEntity(TargetKey key, string reason) => throw new InvalidOperationException($"unexpected corrupt entity {key}: {reason}");
    }

    [Fact]
    public async Task TableDeleted_ConcurrentWritesRecreateItOnceAndAllLand()
    {
        var observer = new RecreationCounter();
        var store = new SnapshotStore(Tables, new Azure.Storage.Blobs.BlobServiceClient(Connection), _options, observer);
        await store.EnsureCreatedAsync();
        Assert.True(await store.UpsertAsync(Record("node", "t0", 100)));

        await Tables.DeleteTableAsync(_options.TableName);
        var writes = Enumerable.Range(0, 16).Select(i => store.UpsertAsync(Record("node", $"t{i}", 200)));
        Assert.All(await Task.WhenAll(writes), Assert.True);

        Assert.Equal(1, observer.Recreated);
        Assert.Contains("the table was missing", observer.LastReason);
        Assert.Equal(16, (await NewStore().ListVersionsAsync()).Count);
    }

    [Fact]
    public async Task ContainerDeleted_ASpilledWriteRecreatesItAndIsReadBack()
    {
        var observer = new RecreationCounter();
        var store = new SnapshotStore(Tables, new Azure.Storage.Blobs.BlobServiceClient(Connection), _options, observer);
        await store.EnsureCreatedAsync();
        await Container.DeleteAsync();

        var record = Record("node", "t", 100, Spilled);
        Assert.True(await store.UpsertAsync(record));

        Assert.Equal(1, observer.Recreated);
        Assert.Contains("the blob container was missing", observer.LastReason);
        AssertSame(record, await NewStore().ReadOneAsync(record.Key));
    }
}
