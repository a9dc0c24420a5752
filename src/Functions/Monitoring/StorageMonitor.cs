using FedFunctions.Core.Federation;
using FedFunctions.Core.Storage;

namespace FedFunctions.Functions.Monitoring;

/// <summary>
/// StorageMonitor logs and counts what the snapshot store and cache repaired or skipped on their own: a table
/// or container created again after it vanished, stored entities that are not well-formed snapshots (store),
/// and payloads that cannot be decoded (cache). Either way one target is skipped. Also a listing the cache
/// failed to refresh in the background (requests go on with the last one).
/// </summary>
internal sealed class StorageMonitor(AppMetrics metrics, ILogger<StorageMonitor> logger) : ISnapshotStoreObserver, ISnapshotCacheObserver
{
    public void StorageRecreated(string reason)
    {
        metrics.StorageRecreated.Inc();
        logger.StorageRecreated(reason);
    }

    public void CorruptEntity(TargetKey key, string reason)
    {
        metrics.CorruptSnapshots.Inc();
        logger.CorruptEntity(key.Job, key.TargetId, reason);
    }

    public void CorruptSnapshot(TargetKey key, Exception exception)
    {
        metrics.CorruptSnapshots.Inc();
        logger.CorruptSnapshot(key.Job, key.TargetId, exception.Message);
    }

    public void BackgroundRefreshFailed(Exception exception)
    {
        logger.BackgroundRefreshFailed(exception.Message);
    }
}
