using FedFunctions.Core.Federation;
using FedFunctions.Core.Model;
using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Targets;

/// <summary>TargetHealth is Prometheus' target health: unknown until a scrape of the target is stored.</summary>
public enum TargetHealth
{
    /// <summary>No snapshot of the target is stored yet.</summary>
    Unknown,

    /// <summary>The last stored scrape succeeded.</summary>
    Up,

    /// <summary>The last stored scrape failed.</summary>
    Down,
}

/// <summary>ActiveTargetStatus is a listed target with the state of its last stored scrape.</summary>
/// <param name="Target">The target as the last run listed it.</param>
/// <param name="Health">From the stored snapshot; <see cref="TargetHealth.Unknown"/> without one.</param>
/// <param name="LastError">The stored scrape's error, "" when none.</param>
/// <param name="LastScrape">When the stored scrape started, null when none is stored.</param>
/// <param name="LastScrapeDurationSeconds">How long it took, 0 when none is stored.</param>
public sealed record ActiveTargetStatus(ListedTarget Target, TargetHealth Health, string LastError, DateTimeOffset? LastScrape, double LastScrapeDurationSeconds);

/// <summary>TargetsStatus is every listed target with its state, and the dropped targets.</summary>
public sealed record TargetsStatus(IReadOnlyList<ActiveTargetStatus> Active, IReadOnlyList<ListedDroppedTarget> Dropped, int DroppedTotal);

/// <summary>
/// TargetsReader answers "what is scraped and how did it go" from storage alone: the stored target list of the
/// last scrape run joined with the stored snapshots (through the <see cref="SnapshotCache"/> /federate uses),
/// so every instance answers the same whatever it scraped itself.
/// </summary>
public sealed class TargetsReader(SnapshotStore store, SnapshotCache cache)
{
    /// <summary>Reads the target list and the snapshots; pools sorted by name, targets in the order the run listed them.</summary>
    /// <exception cref="SnapshotStoreException">Storage could not be read within the cache's budget.</exception>
    /// <exception cref="InvalidDataException">The stored target list is unreadable.</exception>
    public async Task<TargetsStatus> ReadAsync(CancellationToken cancellationToken = default)
    {
        var stored = await store.GetTargetListAsync(cancellationToken).ConfigureAwait(false);
        var list = stored is { } bytes ? TargetListCodec.Decode(bytes) : TargetList.Empty;
        var byLabels = new Dictionary<(string, Labels), TargetSnapshot>();
        if (list.Active.Count > 0)
        {
            var jobs = list.Active.Select(t => t.ScrapePool).Distinct(StringComparer.Ordinal).ToList();
            foreach (var job in jobs)
            {
                // One partition per job: snapshots of two jobs with equal label sets stay apart.
                foreach (var indexed in await cache.GetAsync([job], cancellationToken).ConfigureAwait(false))
                    byLabels[(job, indexed.Snapshot.TargetLabels)] = indexed.Snapshot;
            }
        }
        var active = list.Active
            .Select((target, index) => (target, index))
            .OrderBy(x => x.target.ScrapePool, StringComparer.Ordinal).ThenBy(x => x.index)
            .Select(x => StatusOf(x.target, byLabels.GetValueOrDefault((x.target.ScrapePool, x.target.Labels))))
            .ToList();
        var dropped = list.Dropped.OrderBy(d => d.ScrapePool, StringComparer.Ordinal).ToList();
        return new TargetsStatus(active, dropped, list.DroppedTotal);
    }

    private static ActiveTargetStatus StatusOf(ListedTarget target, TargetSnapshot? snapshot) => snapshot is null
        ? new ActiveTargetStatus(target, TargetHealth.Unknown, "", null, 0)
        : new ActiveTargetStatus(target, snapshot.Up ? TargetHealth.Up : TargetHealth.Down, snapshot.Error,
            DateTimeOffset.FromUnixTimeMilliseconds(snapshot.ScrapeTimestampMs), snapshot.DurationSeconds);
}
