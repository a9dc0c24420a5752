using FedFunctions.Core.Federation;
using FedFunctions.Core.Storage;

namespace FedFunctions.Functions.Monitoring;

/// <summary>
/// StorageMonitor logs and counts what the snapshot store and cache repaired or skipped on their own: a table
/// or container created again after it vanished, stored entities that are not well-formed snapshots (store),
/// and payloads that cannot be decoded (cache). Either way one target is skipped.
/// </summary>
internal sealed class StorageMonitor(AppMetrics metrics, ILogger<StorageMonitor> logger) : ISnapshotStoreObserver, ISnapshotCacheObserver
{
    public void StorageRecreated(string reason)
    {
        metrics.StorageRecreated.Inc();
        logger.LogWarning("storage was missing and has been created again: {Reason}", reason);
    }

    public void CorruptEntity(TargetKey key, string reason)
    {
        metrics.CorruptSnapshots.Inc();
        logger.LogError("skipping unreadable snapshot entity of {Job}/{Target}: {Reason}", key.Job, key.TargetId, reason);
    }

    public void CorruptSnapshot(TargetKey key, Exception error)
    {
        metrics.CorruptSnapshots.Inc();
        logger.LogError("skipping unreadable snapshot of {Job}/{Target}: {Error}", key.Job, key.TargetId, error.Message);
    }
}
