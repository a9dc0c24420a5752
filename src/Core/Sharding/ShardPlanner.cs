using FedFunctions.Core.Configuration;

namespace FedFunctions.Core.Sharding;

/// <summary>
/// ShardPlanner cuts a run's due targets into shard messages: at most the shard size each, and each small enough
/// for the queue once base64-encoded (<see cref="ShardMessageCodec.MaxQueueMessageBytes"/>); a shard that would
/// be larger is halved until it fits. Targets are ordered by interval first, so a shard's targets share an interval
/// when they can (a shard expires with its shortest interval).
/// </summary>
public static class ShardPlanner
{
    /// <summary>PlannedShard is one message to send: its text and the targets it carries.</summary>
    /// <param name="Text">The message text (JSON, before the queue's base64).</param>
    /// <param name="Targets">The targets in it.</param>
    /// <param name="Message">The message itself.</param>
    public sealed record PlannedShard(string Text, IReadOnlyList<ScrapeTarget> Targets, ShardMessage Message);

    /// <summary>Plan splits <paramref name="targets"/> into shards.</summary>
    /// <param name="targets">The due targets.</param>
    /// <param name="shardSize">The most targets per shard (at least 1).</param>
    /// <param name="configHash">The hash of the configuration the targets come from.</param>
    /// <param name="scheduledMs">The run's scheduled time.</param>
    /// <param name="maxMessageBytes">The largest message, base64-encoded (the queue's 64 KiB unless a test says less).</param>
    /// <param name="tooLarge">Targets that do not fit a message even alone (scraped inline by the caller).</param>
    /// <param name="stored">The stored versions the run listed, carried with their targets (null: none).</param>
    public static IReadOnlyList<PlannedShard> Plan(IReadOnlyList<ScrapeTarget> targets, int shardSize, string configHash, long scheduledMs,
        out IReadOnlyList<ScrapeTarget> tooLarge, int maxMessageBytes = ShardMessageCodec.MaxQueueMessageBytes,
        IReadOnlyDictionary<Storage.TargetKey, Storage.SnapshotVersion>? stored = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardSize, 1);
        var ordered = targets.OrderBy(t => t.ScrapeInterval).ThenBy(t => t.Job.JobName, StringComparer.Ordinal).ToArray();
        var shards = new List<PlannedShard>();
        var alone = new List<ScrapeTarget>();
        for (var start = 0; start < ordered.Length; start += shardSize)
            Add(ordered.AsMemory(start, Math.Min(shardSize, ordered.Length - start)), configHash, scheduledMs, maxMessageBytes, stored, shards, alone);
        tooLarge = alone;
        return shards;
    }

    private static void Add(ReadOnlyMemory<ScrapeTarget> chunk, string configHash, long scheduledMs, int maxBytes,
        IReadOnlyDictionary<Storage.TargetKey, Storage.SnapshotVersion>? stored, List<PlannedShard> shards, List<ScrapeTarget> tooLarge)
    {
        var targets = chunk.ToArray();
        var message = new ShardMessage(configHash, scheduledMs, targets.Select(t => ShardMessageCodec.FromTarget(t, StoredVersion(t, stored))).ToArray());
        var utf8 = ShardMessageCodec.EncodeUtf8(message);
        if (ShardMessageCodec.Base64Length(utf8.Length) <= maxBytes)
        {
            shards.Add(new PlannedShard(System.Text.Encoding.UTF8.GetString(utf8), targets, message));
            return;
        }
        if (targets.Length == 1)
        {
            tooLarge.Add(targets[0]);
            return;
        }
        var half = targets.Length / 2;
        Add(chunk[..half], configHash, scheduledMs, maxBytes, stored, shards, tooLarge);
        Add(chunk[half..], configHash, scheduledMs, maxBytes, stored, shards, tooLarge);
    }

    private static Storage.SnapshotVersion? StoredVersion(ScrapeTarget target, IReadOnlyDictionary<Storage.TargetKey, Storage.SnapshotVersion>? stored) =>
        stored is not null && stored.TryGetValue(Storage.SnapshotStore.KeyFor(target.Job.JobName, target.Labels), out var version) ? version : null;
}
