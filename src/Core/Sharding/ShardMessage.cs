using FedFunctions.Core.Model;

namespace FedFunctions.Core.Sharding;

/// <summary>
/// ShardMessage is one shard of a scrape run as it travels through the queue: the run's scheduled time, the hash
/// of the configuration it was planned on, and the resolved targets. A worker scrapes the targets with the job
/// settings of its own configuration when the hashes match (secrets and TLS material never enter the queue).
/// </summary>
/// <param name="ConfigHash">The SHA-256 (hex) of the configuration text the scheduler ran on.</param>
/// <param name="ScheduledMs">When the run decided these targets were due (ms since the epoch).</param>
/// <param name="Targets">The targets, at least one.</param>
public sealed record ShardMessage(string ConfigHash, long ScheduledMs, IReadOnlyList<ShardTarget> Targets)
{
    /// <summary>ShortestInterval is the shortest scrape interval among the targets: after it the next run covers the shard.</summary>
    public TimeSpan ShortestInterval => TimeSpan.FromMilliseconds(Targets.Min(t => t.IntervalMs));

    /// <summary>IsExpiredAt tells whether the shard is older than its targets' (shortest) interval at <paramref name="nowMs"/>.</summary>
    public bool IsExpiredAt(long nowMs) => nowMs - ScheduledMs > Targets.Min(t => t.IntervalMs);
}

/// <summary>ShardTarget is one resolved target of a <see cref="ShardMessage"/>: what a worker needs to scrape and store it.</summary>
/// <param name="Job">The job name; the worker takes the job's settings from its configuration.</param>
/// <param name="Url">The URL to scrape (scheme, address, path and <c>params</c> already applied).</param>
/// <param name="Labels">The target labels after relabeling.</param>
/// <param name="IntervalMs">The target's scrape interval (after <c>__scrape_interval__</c> relabeling).</param>
/// <param name="TimeoutMs">The target's scrape timeout.</param>
/// <param name="ForcedError">The forced error (<c>target_limit</c> exceeded), or null.</param>
/// <param name="Stored">
/// The stored version the scheduler listed for this target, or null (never stored): with its ETag the worker writes
/// the new snapshot with one conditional request, whichever process wrote it last.
/// </param>
public sealed record ShardTarget(string Job, string Url, Labels Labels, long IntervalMs, long TimeoutMs, string? ForcedError, Storage.SnapshotVersion? Stored = null);
