using FedFunctions.Core.Model;

namespace FedFunctions.Core.Discovery;

/// <summary>
/// IDiscoveryObserver hears about discovery problems (for logs and the app's metrics). Passed once, to
/// <see cref="TargetDiscovery"/>'s constructor; called from the scrape run, possibly concurrently; should not throw.
/// Messages never hold secrets.
/// </summary>
public interface IDiscoveryObserver
{
    /// <summary>An SD file could not be read or parsed; its last good target groups stay in use.</summary>
    void FileReadFailed(string path, string reason);

    /// <summary>An SD endpoint could not be reached or answered badly; its last good target groups stay in use.</summary>
    void HttpRefreshFailed(string url, string reason);

    /// <summary>A discovered target is invalid after relabeling (no address, bad interval, ...) and is skipped.</summary>
    void TargetSkipped(string job, Labels discoveredLabels, string reason);

    /// <summary>A job has more active targets than its <c>target_limit</c>: all of its scrapes fail.</summary>
    void TargetLimitExceeded(string job, int targets, long limit);
}
