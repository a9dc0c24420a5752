using FedFunctions.Core.Configuration;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;
using FedFunctions.Core.Selectors;

namespace FedFunctions.Core.Federation;

/// <summary>
/// FederationService answers <c>/federate</c> from stored snapshots: it prunes the jobs whose snapshots
/// cannot match, refreshes the <see cref="SnapshotCache"/>, and runs the <see cref="FederationQuery"/>.
/// </summary>
public sealed class FederationService
{
    private readonly SnapshotCache _cache;
    private readonly FederationConfig _config;
    private readonly TimeProvider _time;

    /// <summary>Creates the service.</summary>
    public FederationService(SnapshotCache cache, FederationConfig config, TimeSpan lookback, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(config);
        _cache = cache;
        _config = config;
        Lookback = lookback;
        _time = timeProvider ?? TimeProvider.System;

        // Prometheus adds instance="" when the external labels do not set it, so federated series that
        // lack an instance do not get the federating server's target instance (issue #2488).
        var external = config.Global.ExternalLabels.ToList();
        if (!config.Global.ExternalLabels.Has("instance")) external.Add(new Label("instance", ""));
        ExternalLabels = ExternalLabels.Create(external);
    }

    /// <summary>How far back a sample still counts as current.</summary>
    public TimeSpan Lookback { get; }

    /// <summary>The labels added to every series that lacks them (may hold empty values, as <c>instance=""</c>).</summary>
    public ExternalLabels ExternalLabels { get; }

    /// <summary>Selects the families to federate for <paramref name="selectors"/>.</summary>
    /// <exception cref="Storage.SnapshotStoreException">Storage could not be read.</exception>
    public async Task<IReadOnlyList<MetricFamily>> QueryAsync(IReadOnlyList<Selector> selectors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selectors);
        if (selectors.Count == 0) return [];
        var snapshots = await _cache.GetAsync(JobsThatCanMatch(selectors), cancellationToken).ConfigureAwait(false);
        return FederationQuery.Select(snapshots, selectors, _time.GetUtcNow().ToUnixTimeMilliseconds(), Lookback);
    }

    /// <summary>
    /// The partitions (config jobs) worth reading, or null for all. A selector with <c>job="x"</c> can only
    /// match snapshots of job x, except for jobs with <c>honor_labels: true</c>, whose series keep the
    /// job label they were scraped with (a federated Prometheus' series, say).
    /// </summary>
    internal IReadOnlyCollection<string>? JobsThatCanMatch(IReadOnlyList<Selector> selectors)
    {
        var jobs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var selector in selectors)
        {
            var job = selector.Matchers.FirstOrDefault(m => m.Name == "job" && m.Type == Selectors.MatchType.Equal && m.Value.Length > 0);
            if (job is null) return null;
            jobs.Add(job.Value);
        }
        foreach (var scrapeConfig in _config.ScrapeConfigs)
        {
            if (scrapeConfig.HonorLabels) jobs.Add(scrapeConfig.JobName);
        }
        return jobs;
    }
}
