using FedFunctions.Core.Configuration;

namespace FedFunctions.Core.Ingestion;

/// <summary>ScrapeCycleResult summarises one run of <see cref="ScrapeCycle"/>.</summary>
public sealed record ScrapeCycleResult
{
    /// <summary>Targets whose job was due and that were scraped (successfully or not).</summary>
    public int TargetsScraped { get; init; }

    /// <summary>Shard messages sent to other workers (fan-out); their targets are not in <see cref="TargetsScraped"/>.</summary>
    public int ShardsSent { get; init; }

    /// <summary>Due targets sent to other workers in <see cref="ShardsSent"/> messages.</summary>
    public int TargetsSent { get; init; }

    /// <summary>Targets whose scrape failed (stored with <c>up</c> 0).</summary>
    public int TargetsFailed { get; init; }

    /// <summary>Targets skipped because their job was not due yet.</summary>
    public int TargetsNotDue { get; init; }

    /// <summary>Snapshots written to storage (one write per scraped target).</summary>
    public int SnapshotsWritten { get; init; }

    /// <summary>Snapshots not written because a newer one was already stored.</summary>
    public int SnapshotsSuperseded { get; init; }

    /// <summary>Series in the written snapshots.</summary>
    public long SeriesWritten { get; init; }

    /// <summary>Stored targets deleted because they left the configuration.</summary>
    public int TargetsDeleted { get; init; }

    /// <summary>
    /// Due targets not written because the run ran out of time or was stopped; they keep their previous
    /// snapshot. When the run ended before it knew which targets were due, all configured targets.
    /// </summary>
    public int TargetsSkipped { get; init; }

    /// <summary>Why the run ended early ("ran out of time (budget 50 s)", "stopped ..."), or null when it ran to the end.</summary>
    public string? Interruption { get; init; }

    /// <summary>Wall time of the whole run.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Per-target scrape failures, as "job/instance: reason".</summary>
    public IReadOnlyList<string> ScrapeErrors { get; init; } = [];

    /// <summary>Storage failures; any makes the run a failure (the host marks the invocation failed).</summary>
    public IReadOnlyList<string> StorageErrors { get; init; } = [];

    /// <summary>
    /// The run's active targets after discovery and relabeling, per job in config order (each with its
    /// discovered labels; a target over its job's <c>target_limit</c> carries the forced error). Empty when the
    /// run ended before discovery finished.
    /// </summary>
    public IReadOnlyList<Configuration.ScrapeTarget> ActiveTargets { get; init; } = [];

    /// <summary>The run's targets that <c>relabel_configs</c> dropped, at most <c>keep_dropped_targets</c> per job.</summary>
    public IReadOnlyList<Configuration.DroppedTarget> DroppedTargets { get; init; } = [];

    /// <summary>How many targets each job dropped, including those beyond <c>keep_dropped_targets</c>.</summary>
    public IReadOnlyDictionary<string, int> DroppedTargetCounts { get; init; } = new Dictionary<string, int>();

    /// <summary>Whether the run succeeded as a whole: no storage errors and not interrupted (target failures alone do not fail it).</summary>
    public bool Succeeded => StorageErrors.Count == 0 && Interruption is null;

    /// <summary>A one-line summary for logs.</summary>
    public override string ToString() =>
        (ShardsSent > 0 ? $"sent {TargetsSent} targets in {ShardsSent} shards, " : "") +
        $"scraped {TargetsScraped} targets ({TargetsFailed} failed, {TargetsNotDue} not due), wrote {SnapshotsWritten} snapshots " +
        $"with {SeriesWritten} series ({SnapshotsSuperseded} superseded), deleted {TargetsDeleted} removed targets, " +
        $"{StorageErrors.Count} storage errors, in {Duration.TotalSeconds:0.000}s" +
        (Interruption is null ? "" : $"; {Interruption}: {TargetsSkipped} targets skipped");
}
