using FedFunctions.Core.Model;

namespace FedFunctions.Core.Discovery;

/// <summary>
/// TargetGroup is one discovered group: its targets (each a label set holding at least <c>__address__</c>)
/// and the labels they share, including the discovery's <c>__meta_*</c> labels.
/// </summary>
/// <param name="Source">Where it came from (<c>path:index</c>, <c>url:index</c>), for messages.</param>
/// <param name="Targets">Each target's own labels.</param>
/// <param name="Labels">The group labels, added to each target where it does not set them.</param>
internal sealed record TargetGroup(string Source, IReadOnlyList<Labels> Targets, Labels Labels);
