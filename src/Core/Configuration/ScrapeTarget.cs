using FedFunctions.Core.Model;

namespace FedFunctions.Core.Configuration;

/// <summary>
/// ScrapeTarget is one endpoint to scrape: its job, the full URL (scheme, address, metrics path and
/// query from <c>params</c>) and the labels attached to its series (<c>job</c>, <c>instance</c> and the
/// static labels; never labels starting with <c>__</c>).
/// </summary>
/// <param name="Job">The job the target belongs to (interval, timeout, honor_* settings).</param>
/// <param name="Url">The URL to GET.</param>
/// <param name="Labels">The target labels.</param>
public sealed record ScrapeTarget(ScrapeJobConfig Job, Uri Url, Labels Labels)
{
    /// <summary>
    /// DiscoveredLabels are the labels the target had before <c>relabel_configs</c>: <c>__address__</c>,
    /// <c>__scheme__</c>, <c>__metrics_path__</c>, <c>__param_*</c>, <c>job</c>, the group labels and any
    /// discovery <c>__meta_*</c> labels (what Prometheus' targets API calls <c>discoveredLabels</c>).
    /// </summary>
    public Labels DiscoveredLabels { get; init; } = Labels.Empty;
}
