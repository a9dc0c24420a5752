using FedFunctions.Core.Storage;

namespace FedFunctions.Functions.Monitoring;

/// <summary>
/// StorageMonitor logs and counts what the snapshot store repaired or skipped on its own: a table or
/// container created again after it vanished, and stored entities that are not well-formed snapshots.
/// </summary>
internal sealed class StorageMonitor(AppMetrics metrics, ILogger<StorageMonitor> logger) : ISnapshotStoreObserver
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
}
