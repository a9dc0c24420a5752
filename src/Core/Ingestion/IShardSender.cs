using FedFunctions.Core.Configuration;

namespace FedFunctions.Core.Ingestion;

/// <summary>
/// IShardSender hands a run's due targets to other workers instead of scraping them in this run (fan-out).
/// Given to <see cref="ScrapeCycle"/>'s constructor; the cycle uses it only when more targets are due than one
/// shard holds (<see cref="ShardSize"/>), so small setups scrape inline and never touch a queue.
/// </summary>
public interface IShardSender
{
    /// <summary>ShardSize is how many targets one shard holds; a run with more due targets than this fans out.</summary>
    int ShardSize { get; }

    /// <summary>
    /// SendAsync sends <paramref name="targets"/> as shards scheduled at <paramref name="scheduledMs"/>. It does not
    /// throw for queue trouble: targets it could not send come back in <see cref="ShardDispatch.NotSent"/> (the cycle
    /// scrapes them inline, so nothing is lost) with the reason in <see cref="ShardDispatch.Error"/>.
    /// </summary>
    /// <param name="targets">The due targets.</param>
    /// <param name="scheduledMs">The run's scheduled time.</param>
    /// <param name="stored">The stored versions the run listed (their ETags travel with the targets, so a worker's write is one request).</param>
    /// <param name="cancellationToken">Stops sending; what was sent stays sent.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<ShardDispatch> SendAsync(IReadOnlyList<ScrapeTarget> targets, long scheduledMs, IReadOnlyDictionary<Storage.TargetKey, Storage.SnapshotVersion> stored,
        CancellationToken cancellationToken);
}

/// <summary>ShardDispatch is what <see cref="IShardSender.SendAsync"/> did.</summary>
/// <param name="Messages">Shard messages sent.</param>
/// <param name="TargetsSent">Targets in those messages.</param>
/// <param name="NotSent">Targets that could not be sent (queue unreachable, a target too large for a message).</param>
/// <param name="Error">Why some targets were not sent, or null.</param>
public sealed record ShardDispatch(int Messages, int TargetsSent, IReadOnlyList<ScrapeTarget> NotSent, string? Error);
