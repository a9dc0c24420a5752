using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Federation;

/// <summary>
/// ISnapshotCacheObserver hears what a <see cref="SnapshotCache"/> skipped, so the app can count and log it.
/// Passed once, to the cache's constructor. Called concurrently from parallel requests; should not throw.
/// </summary>
public interface ISnapshotCacheObserver
{
    /// <summary>
    /// CorruptSnapshot is called once per stored version whose payload cannot be decoded; that target is left
    /// out of <c>/federate</c> until its next scrape replaces it.
    /// </summary>
    void CorruptSnapshot(TargetKey key, Exception exception);
}
