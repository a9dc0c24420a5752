using FedFunctions.Core.Federation;
using FedFunctions.Core.Sharding;
using FedFunctions.Core.Storage;
using FedFunctions.Functions.Configuration;
using FedFunctions.Functions.Monitoring;

namespace FedFunctions.Functions.Queue;

/// <summary>How handling one shard message ended.</summary>
internal enum ShardOutcome
{
    /// <summary>Scraped and stored: delete the message.</summary>
    Completed,

    /// <summary>Older than its targets' interval: dropped unscraped (the next run covers it); delete the message.</summary>
    Expired,

    /// <summary>Failed (storage, interrupted, another configuration): retry later, poison after too many tries.</summary>
    Failed,

    /// <summary>Not a shard message this version reads: it will never succeed.</summary>
    Unreadable,
}

/// <summary>ShardResult is a <see cref="ShardOutcome"/> and, for failures, why.</summary>
internal sealed record ShardResult(ShardOutcome Outcome, string? Error = null);

/// <summary>
/// ShardWorker handles one shard message for both hosting modes (the <c>ScrapeShard</c> function and the standalone
/// <see cref="LocalShardConsumer"/>): it drops a shard older than its targets' interval, makes sure it runs on the
/// configuration the shard was planned on (checking the source once if not), and scrapes and stores the targets with
/// the running cycle's own per-target path. It counts <c>completed</c> and <c>expired</c>; the caller, which knows the
/// try count, counts <c>failed</c> and <c>poisoned</c>.
/// </summary>
internal sealed class ShardWorker(ConfigReloader config, SnapshotCache cache, TimeProvider time, AppMetrics metrics, ILogger<ShardWorker> logger)
{
    /// <summary>MaxConfigCheck (5 s) bounds the configuration check a worker makes when a shard names another configuration.</summary>
    public static readonly TimeSpan MaxConfigCheck = TimeSpan.FromSeconds(5);

    /// <summary>ProcessAsync handles the message text (base64 already decoded).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while checking the configuration.</exception>
    public async Task<ShardResult> ProcessAsync(string text, CancellationToken cancellationToken)
    {
        ShardMessage message;
        try
        {
            message = ShardMessageCodec.Decode(text);
        }
        catch (ShardMessageException ex)
        {
            return new ShardResult(ShardOutcome.Unreadable, ex.Message);
        }

        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (message.IsExpiredAt(nowMs))
        {
            metrics.ShardMessages.Inc("expired");
            logger.ShardExpired(message.Targets.Count, (nowMs - message.ScheduledMs) / 1000.0, message.ShortestInterval.TotalSeconds);
            return new ShardResult(ShardOutcome.Expired);
        }

        var running = config.Current;
        if (running.Hash != message.ConfigHash)
        {
            // The scheduler may have reloaded before this worker: look at the source once, then compare again.
            await config.ReloadAsync("shard message", MaxConfigCheck, cancellationToken).ConfigureAwait(false);
            running = config.Current;
            if (running.Hash != message.ConfigHash)
                return new ShardResult(ShardOutcome.Failed, $"the shard was planned on configuration {Short(message.ConfigHash)}, this worker runs {Short(running.Hash)}");
        }

        Core.Configuration.ScrapeTarget[] targets;
        try
        {
            targets = message.Targets.Select(t => ShardMessageCodec.ToTarget(t, running.Config)).ToArray();
        }
        catch (ShardMessageException ex)
        {
            return new ShardResult(ShardOutcome.Failed, ex.Message);
        }

        // The shard may run until it would expire; a run that needs longer leaves the rest to the next one.
        var left = TimeSpan.FromMilliseconds(message.ScheduledMs - nowMs) + message.ShortestInterval;
        var budget = left > MinBudget ? left : MinBudget;
        var result = await running.Cycle.ScrapeShardAsync(targets, message.Targets.Select(t => t.Stored).OfType<SnapshotVersion>(), budget, cancellationToken).ConfigureAwait(false);
        cache.Invalidate(); // what this instance just stored is served at once
        metrics.SnapshotsWritten.Inc(by: result.SnapshotsWritten);
        if (!result.Succeeded)
        {
            var error = result.StorageErrors.Count > 0 ? "storage failed: " + result.StorageErrors[0] : $"shard {result.Interruption}: {result.TargetsSkipped} targets skipped";
            return new ShardResult(ShardOutcome.Failed, error);
        }
        metrics.ShardMessages.Inc("completed");
        logger.ShardCompleted(targets.Length, result.ToString());
        return new ShardResult(ShardOutcome.Completed);
    }

    /// <summary>MinBudget (1 s) is the least time a shard that is not expired gets.</summary>
    private static readonly TimeSpan MinBudget = TimeSpan.FromSeconds(1);

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash.Length == 0 ? "(none)" : hash;
}
