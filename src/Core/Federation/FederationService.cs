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
    private readonly TimeProvider _time;

    /// <summary>Creates the service.</summary>
    public FederationService(SnapshotCache cache, FederationConfig config, TimeSpan lookback, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(config);
        _cache = cache;
        Lookback = lookback;
        _time = timeProvider ?? TimeProvider.System;

        // From the configuration alone (targets come and go with discovery): a job's targets carry its name or
        // a static group's job label, unless discovered groups or relabeling may set any job.
        foreach (var scrapeConfig in config.ScrapeConfigs)
        {
            if (scrapeConfig.HonorLabels || scrapeConfig.HasDiscovery
                || scrapeConfig.RelabelConfigs.Any(MayWriteJob) || scrapeConfig.MetricRelabelConfigs.Any(MayWriteJob))
            {
                _anyJobPartitions.Add(scrapeConfig.JobName);
                continue;
            }
            foreach (var group in scrapeConfig.StaticConfigs)
            {
                var job = group.Labels.Has("job") ? group.Labels.Get("job") : scrapeConfig.JobName;
                if (!_partitionsByJobLabel.TryGetValue(job, out var partitions)) _partitionsByJobLabel[job] = partitions = new HashSet<string>(StringComparer.Ordinal);
                partitions.Add(scrapeConfig.JobName);
            }
        }

        // Prometheus adds instance="" when the external labels do not set it, so federated series that
        // lack an instance do not get the federating server's target instance (web/federate.go).

        var external = config.Global.ExternalLabels.ToList();
        if (!config.Global.ExternalLabels.Has("instance")) external.Add(new Label("instance", ""));
        ExternalLabels = ExternalLabels.Create(external);
    }

    /// <summary>How far back a sample still counts as current.</summary>
    public TimeSpan Lookback { get; }

    /// <summary>The labels added to every series that lacks them (may hold empty values, as <c>instance=""</c>).</summary>
    public ExternalLabels ExternalLabels { get; }

    /// <summary>Selects the families to federate for <paramref name="selectors"/>, reading storage within the cache's <see cref="SnapshotCache.ReadBudget"/>.</summary>
    /// <exception cref="Storage.SnapshotStoreException">Storage could not be read, or not in time (answer 503 with the message).</exception>
    public Task<IReadOnlyList<MetricFamily>> QueryAsync(IReadOnlyList<Selector> selectors, CancellationToken cancellationToken = default) =>
        QueryAsync(selectors, null, cancellationToken);

    /// <summary>
    /// Selects the families to federate for <paramref name="selectors"/>, reading storage within
    /// <paramref name="storageBudget"/> when it is shorter than the cache's <see cref="SnapshotCache.ReadBudget"/>.
    /// </summary>
    /// <exception cref="Storage.SnapshotStoreException">Storage could not be read, or not in time (answer 503 with the message).</exception>
    public async Task<IReadOnlyList<MetricFamily>> QueryAsync(IReadOnlyList<Selector> selectors, TimeSpan? storageBudget, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selectors);
        if (selectors.Count == 0) return [];
        var snapshots = await _cache.GetAsync(JobsThatCanMatch(selectors), storageBudget, cancellationToken).ConfigureAwait(false);
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        // The same match[] set (in any order) over the same snapshots selects the same series.
        var key = string.Join('\n', selectors.Select(s => s.Text).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        if (_selections.Get(key, snapshots, nowMs) is { } kept) return kept;
        var families = FederationQuery.Select(snapshots, selectors, nowMs, Lookback, out var unchangedUntilMs);
        _selections.Put(key, snapshots, unchangedUntilMs, families);
        return families;
    }

    private readonly SelectionCache _selections = new();

    /// <summary>
    /// The partitions (config jobs) worth reading, or null for all. Snapshots are stored per config job, but
    /// a series' <c>job</c> label is the target's, which a static label or <c>relabel_configs</c> may have
    /// set to anything; <c>honor_labels</c> keeps the job a federated series was scraped with, and
    /// <c>metric_relabel_configs</c> may rewrite it. So a selector with <c>job="x"</c> reads the partitions
    /// whose static targets carry <c>job="x"</c>, plus every partition whose series may carry any job (service
    /// discovery, <c>honor_labels</c>, job-writing relabel rules).
    /// </summary>
    internal IReadOnlyCollection<string>? JobsThatCanMatch(IReadOnlyList<Selector> selectors)
    {
        var partitions = new HashSet<string>(_anyJobPartitions, StringComparer.Ordinal);
        foreach (var selector in selectors)
        {
            var job = selector.Matchers.FirstOrDefault(m => m.Name == "job" && m.Type == Selectors.MatchType.Equal && m.Value.Length > 0);
            if (job is null) return null;
            if (_partitionsByJobLabel.TryGetValue(job.Value, out var own)) partitions.UnionWith(own);
        }
        return partitions;
    }

    private readonly Dictionary<string, HashSet<string>> _partitionsByJobLabel = new(StringComparer.Ordinal);
    private readonly HashSet<string> _anyJobPartitions = new(StringComparer.Ordinal);

    private static bool MayWriteJob(Relabeling.RelabelConfig rule) =>
        rule.Action == Relabeling.RelabelAction.LabelMap ||
        (rule.Action is Relabeling.RelabelAction.Replace or Relabeling.RelabelAction.HashMod or Relabeling.RelabelAction.Lowercase or Relabeling.RelabelAction.Uppercase
         && (rule.TargetLabel == "job" || rule.TargetLabel.Contains('$', StringComparison.Ordinal)));
}
