using FedFunctions.Core.Configuration;
using FedFunctions.Core.Ingestion;

namespace FedFunctions.Core.Sharding;

/// <summary>
/// QueueShardSender is the <see cref="IShardSender"/> of a <see cref="ScrapeCycle"/> that fans out over a
/// <see cref="ShardQueueClient"/>: it plans the shards (<see cref="ShardPlanner"/>) and sends one message each, a few at a
/// time. A message lives twice its longest interval (at least a minute): a worker that sees it later drops it as expired
/// anyway, and nobody has to clean up after a queue that no worker reads.
/// </summary>
public sealed class QueueShardSender : IShardSender
{
    /// <summary>DefaultShardSize (100) is the default number of targets per shard.</summary>
    public const int DefaultShardSize = 100;

    private const int SendConcurrency = 8;
    private static readonly TimeSpan MinTimeToLive = TimeSpan.FromMinutes(1);

    private readonly ShardQueueClient _queue;
    private readonly string _configHash;
    private readonly int _maxMessageBytes;

    /// <summary>Creates a sender of shards of <paramref name="shardSize"/> targets planned on the configuration whose hash is <paramref name="configHash"/>.</summary>
    public QueueShardSender(ShardQueueClient queue, int shardSize, string configHash, int maxMessageBytes = ShardMessageCodec.MaxQueueMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardSize, 1);
        ArgumentNullException.ThrowIfNull(configHash);
        _queue = queue;
        ShardSize = shardSize;
        _configHash = configHash;
        _maxMessageBytes = maxMessageBytes;
    }

    /// <inheritdoc />
    public int ShardSize { get; }

    /// <inheritdoc />
    public async Task<ShardDispatch> SendAsync(IReadOnlyList<ScrapeTarget> targets, long scheduledMs, IReadOnlyDictionary<Storage.TargetKey, Storage.SnapshotVersion> stored,
        CancellationToken cancellationToken)
    {
        var shards = ShardPlanner.Plan(targets, ShardSize, _configHash, scheduledMs, out var tooLarge, _maxMessageBytes, stored);
        var notSent = new List<ScrapeTarget>(tooLarge);
        string? error = tooLarge.Count > 0 ? $"{tooLarge.Count} targets do not fit a queue message even alone and are scraped inline" : null;
        int messages = 0, sent = 0;
        var gate = new object();
        await Parallel.ForEachAsync(shards, new ParallelOptions { MaxDegreeOfParallelism = SendConcurrency, CancellationToken = cancellationToken },
            async (shard, ct) =>
            {
                var longest = TimeSpan.FromMilliseconds(shard.Message.Targets.Max(t => t.IntervalMs));
                var ttl = longest * 2 > MinTimeToLive ? longest * 2 : MinTimeToLive;
                try
                {
                    await _queue.SendAsync(shard.Text, ttl, ct).ConfigureAwait(false);
                    lock (gate)
                    {
                        messages++;
                        sent += shard.Targets.Count;
                    }
                }
                catch (ShardQueueException ex)
                {
                    lock (gate)
                    {
                        notSent.AddRange(shard.Targets);
                        error ??= ex.Message;
                    }
                }
            }).ConfigureAwait(false);
        return new ShardDispatch(messages, sent, notSent, error);
    }
}
