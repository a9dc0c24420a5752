using FedFunctions.Core.Discovery;
using FedFunctions.Core.Model;

namespace FedFunctions.Functions.Monitoring;

/// <summary>
/// DiscoveryMonitor logs and counts discovery problems: an unreadable SD file or a failing SD endpoint (the
/// source keeps its last good targets), a discovered target that is invalid after relabeling (skipped), and a
/// job over its <c>target_limit</c> (all its scrapes fail).
/// </summary>
internal sealed class DiscoveryMonitor(AppMetrics metrics, ILogger<DiscoveryMonitor> logger) : IDiscoveryObserver
{
    public void FileReadFailed(string path, string reason)
    {
        metrics.SdFileReadErrors.Inc();
        logger.SdFileReadFailed(path, reason);
    }

    public void HttpRefreshFailed(string url, string reason)
    {
        metrics.SdHttpFailures.Inc();
        logger.SdHttpRefreshFailed(url, reason);
    }

    public void TargetSkipped(string job, Labels discoveredLabels, string reason)
    {
        metrics.SdTargetsSkipped.Inc(job);
        logger.SdTargetSkipped(job, reason, discoveredLabels.ToString());
    }

    public void TargetLimitExceeded(string job, int targets, long limit)
    {
        metrics.SdTargetLimitExceeded.Inc(job);
        logger.SdTargetLimitExceeded(job, targets, limit);
    }
}
