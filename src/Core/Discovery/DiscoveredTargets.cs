using FedFunctions.Core.Configuration;

namespace FedFunctions.Core.Discovery;

/// <summary>DiscoveredTargets are one scrape run's targets, from static configs and service discovery, after relabeling.</summary>
public sealed class DiscoveredTargets
{
    /// <summary>Active are the targets to scrape, per job in config order, without duplicates.</summary>
    public IReadOnlyList<ScrapeTarget> Active { get; init; } = [];

    /// <summary>Dropped are the targets <c>relabel_configs</c> dropped, at most <c>keep_dropped_targets</c> per job.</summary>
    public IReadOnlyList<DroppedTarget> Dropped { get; init; } = [];

    /// <summary>DroppedCounts are how many targets each job dropped, including those not kept in <see cref="Dropped"/>.</summary>
    public IReadOnlyDictionary<string, int> DroppedCounts { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// UncertainJobs are the jobs with a discovery source that has not been read successfully since the process
    /// started: their targets are not known, so what is stored for them is kept rather than deleted.
    /// </summary>
    public IReadOnlySet<string> UncertainJobs { get; init; } = new HashSet<string>();
}
