using FedFunctions.Core.Model;

namespace FedFunctions.Core.Configuration;

/// <summary>
/// JobTargets collects one job's targets from all its groups: active targets without duplicates (the same
/// labels and URL from two groups are one target, as in Prometheus) and the dropped ones.
/// </summary>
internal sealed class JobTargets(ScrapeJobConfig job)
{
    private readonly Dictionary<Labels, ScrapeTarget> _seen = [];
    private readonly List<ScrapeTarget> _active = [];
    private readonly List<DroppedTarget> _dropped = [];

    public IReadOnlyList<ScrapeTarget> Active => _active;

    public IReadOnlyList<DroppedTarget> Dropped => _dropped;

    /// <summary>
    /// Add records an active or dropped outcome (not an invalid one). False with the earlier target when it
    /// has the same labels but another URL: two such targets would overwrite each other's snapshot.
    /// </summary>
    public bool Add(TargetOutcome outcome, out ScrapeTarget? clash)
    {
        clash = null;
        if (outcome.Target is not { } target)
        {
            _dropped.Add(new DroppedTarget(job, outcome.Discovered));
            return true;
        }
        if (!_seen.TryGetValue(target.Labels, out var earlier))
        {
            _seen.Add(target.Labels, target);
            _active.Add(target);
            return true;
        }
        if (earlier.Url == target.Url) return true;
        clash = earlier;
        return false;
    }

    /// <summary>ClashMessage explains why a target with the labels of <paramref name="earlier"/> was refused.</summary>
    public static string ClashMessage(ScrapeTarget earlier, string address) =>
        $"targets \"{earlier.DiscoveredLabels.Get(TargetBuilder.AddressLabel)}\" and \"{address}\" in job \"{earlier.Job.JobName}\" end up with the same labels {earlier.Labels}; give them distinct labels (for example their own instance)";
}
