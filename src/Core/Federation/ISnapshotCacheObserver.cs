using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Federation;

/// <summary>
/// ISnapshotCacheObserver hears what a <see cref="SnapshotCache"/> skipped or failed to refresh, so the app can count and log it.
/// Passed once, to the cache's constructor. Called concurrently from parallel requests; should not throw.
/// </summary>
public interface ISnapshotCacheObserver
{
    /// <summary>
    /// CorruptSnapshot is called once per stored version whose payload cannot be decoded; that target is left
    /// out of <c>/federate</c> until its next scrape replaces it.
    /// </summary>
    void CorruptSnapshot(TargetKey key, Exception exception);

    /// <summary>
    /// BackgroundRefreshFailed is called when a listing refreshed in the background could not be read
    /// (usually a <see cref="SnapshotStoreException"/>); requests keep the last listing until it is two refresh
    /// intervals old, then read storage themselves.
    /// </summary>
    void BackgroundRefreshFailed(Exception exception);
}
