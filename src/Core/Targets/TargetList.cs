using FedFunctions.Core.Configuration;
using FedFunctions.Core.Ingestion;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Targets;

/// <summary>
/// ListedTarget is one active target as a scrape run saw it: what the targets API shows besides its health.
/// </summary>
/// <param name="ScrapePool">The job name.</param>
/// <param name="ScrapeUrl">The URL scraped, query included.</param>
/// <param name="ScrapeInterval">The job's interval as Prometheus writes durations ("15s", "1m").</param>
/// <param name="ScrapeTimeout">The job's timeout, likewise.</param>
/// <param name="DiscoveredLabels">Labels before relabeling.</param>
/// <param name="Labels">The target labels (no <c>__</c> names).</param>
public sealed record ListedTarget(string ScrapePool, string ScrapeUrl, string ScrapeInterval, string ScrapeTimeout, Labels DiscoveredLabels, Labels Labels);

/// <summary>ListedDroppedTarget is a discovered target that relabeling dropped.</summary>
/// <param name="ScrapePool">The job whose relabeling dropped it.</param>
/// <param name="DiscoveredLabels">Its labels before relabeling.</param>
public sealed record ListedDroppedTarget(string ScrapePool, Labels DiscoveredLabels);

/// <summary>
/// TargetList is what the last scrape run was told to scrape and what relabeling dropped: stored once per change
/// (<see cref="Storage.SnapshotStore.PutTargetListAsync"/>), so every instance lists the same targets.
/// At most <see cref="MaxDroppedTargets"/> dropped targets are kept; <see cref="DroppedTotal"/> counts them all.
/// </summary>
public sealed record TargetList(IReadOnlyList<ListedTarget> Active, IReadOnlyList<ListedDroppedTarget> Dropped, int DroppedTotal)
{
    /// <summary>MaxDroppedTargets (1000) bounds the dropped targets kept, as Prometheus' <c>keep_dropped_targets</c> does.</summary>
    public const int MaxDroppedTargets = 1000;

    /// <summary>An empty list (nothing stored yet).</summary>
    public static readonly TargetList Empty = new([], [], 0);

    /// <summary>The target list of a finished scrape run.</summary>
    public static TargetList From(ScrapeCycleResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var list = From(result.ActiveTargets, result.DroppedTargets);
        // Discovery keeps at most keep_dropped_targets per job but counts them all.
        var total = result.DroppedTargetCounts.Values.Sum();
        return total > list.DroppedTotal ? list with { DroppedTotal = total } : list;
    }

    /// <summary>The target list of <paramref name="active"/> and <paramref name="dropped"/> targets.</summary>
    public static TargetList From(IReadOnlyList<ScrapeTarget> active, IReadOnlyList<DroppedTarget> dropped)
    {
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(dropped);
        var listed = active.Select(t => new ListedTarget(
            t.Job.JobName,
            t.Url.AbsoluteUri,
            PrometheusDuration.Format(t.ScrapeInterval),
            PrometheusDuration.Format(t.ScrapeTimeout),
            t.DiscoveredLabels,
            t.Labels)).ToList();
        var kept = dropped.Take(MaxDroppedTargets)
            .Select(d => new ListedDroppedTarget(d.Job.JobName, d.DiscoveredLabels)).ToList();
        return new TargetList(listed, kept, dropped.Count);
    }
}
