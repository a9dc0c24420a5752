using FedFunctions.Core.Model;

namespace FedFunctions.Core.Configuration;

/// <summary>
/// DroppedTarget is a discovered target that <c>relabel_configs</c> dropped: it is not scraped, and only its
/// labels before relabeling are kept (Prometheus' <c>droppedTargets</c> in the targets API).
/// </summary>
/// <param name="Job">The job whose relabeling dropped it.</param>
/// <param name="DiscoveredLabels">Its labels before relabeling.</param>
public sealed record DroppedTarget(ScrapeJobConfig Job, Labels DiscoveredLabels);
