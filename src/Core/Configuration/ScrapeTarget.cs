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

    /// <summary>ScrapeInterval is how often the target is scraped: the job's, or <c>__scrape_interval__</c> after relabeling.</summary>
    public TimeSpan ScrapeInterval { get; init; } = Job.ScrapeInterval;

    /// <summary>ScrapeTimeout bounds each scrape: the job's, or <c>__scrape_timeout__</c> after relabeling.</summary>
    public TimeSpan ScrapeTimeout { get; init; } = Job.ScrapeTimeout;

    /// <summary>
    /// ForcedError, when set, fails every scrape of the target with this message without a request (Prometheus'
    /// forced error: <c>target_limit exceeded ...</c>); the target is stored down (<c>up</c> 0).
    /// </summary>
    public string? ForcedError { get; init; }
}
