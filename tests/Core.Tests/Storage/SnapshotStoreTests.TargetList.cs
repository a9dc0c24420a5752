using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Tests.Storage;

public sealed partial class SnapshotStoreTests
{
    [Fact]
    public async Task TheTargetListIsOneBlobWrittenOnlyWhenItChanged()
    {
        var store = NewStore();
        Assert.Null(await store.GetTargetListAsync());

        var first = "{\"v\":1,\"a\":1}"u8.ToArray();
        _requests.Reset();
        Assert.True(await store.PutTargetListAsync(first));
        Assert.Equal(["PUT"], _requests.Methods);

        // The same list again: no request at all.
        _requests.Reset();
        Assert.False(await store.PutTargetListAsync(first.ToArray()));
        Assert.Empty(_requests.Methods);

        var second = "{\"v\":1,\"a\":2}"u8.ToArray();
        Assert.True(await store.PutTargetListAsync(second));

        // Another instance reads what was stored, and does not write the same list again.
        var other = NewStore();
        Assert.Equal(second, (await other.GetTargetListAsync())!.Value.ToArray());
        Assert.False(await other.PutTargetListAsync(second));

        // It is not a snapshot: listings and deletions of snapshots leave it alone.
        Assert.Empty(await store.ListVersionsAsync());
        await store.DeleteExceptAsync(new HashSet<TargetKey>());
        Assert.Equal(second, (await store.GetTargetListAsync())!.Value.ToArray());
    }

    [Fact]
    public async Task ATargetListOverTheLimitIsRefusedAndNothingIsWritten()
    {
        var store = NewStore();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => store.PutTargetListAsync(new byte[SnapshotStore.MaxTargetListBytes + 1]));
        Assert.Contains("exceeds", ex.Message);
        Assert.Null(await store.GetTargetListAsync());
    }
}
