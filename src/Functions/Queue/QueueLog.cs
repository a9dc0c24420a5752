namespace FedFunctions.Functions.Queue;

/// <summary>QueueLog holds the log messages of shard fan-out and the shard workers (event ids 140 and up).</summary>
internal static partial class QueueLog
{
    [LoggerMessage(140, LogLevel.Information, "shard workers: {Workers} consumers on queue {Queue} (lease {Lease} s, {MaxDequeueCount} tries before {Poison})")]
    public static partial void ShardWorkersStarted(this ILogger logger, int workers, string queue, double lease, int maxDequeueCount, string poison);

    [LoggerMessage(141, LogLevel.Information, "shard workers: none in this process ({Reason})")]
    public static partial void NoShardWorkers(this ILogger logger, string reason);

    [LoggerMessage(142, LogLevel.Information, "shard of {Targets} targets: {Result}")]
    public static partial void ShardCompleted(this ILogger logger, int targets, string result);

    [LoggerMessage(143, LogLevel.Information, "shard of {Targets} targets scheduled {AgeSeconds:0.###} s ago expired (shortest interval {IntervalSeconds:0.###} s); the next run covers it")]
    public static partial void ShardExpired(this ILogger logger, int targets, double ageSeconds, double intervalSeconds);

    [LoggerMessage(144, LogLevel.Warning, "shard message failed (try {DequeueCount} of {MaxDequeueCount}): {Error}")]
    public static partial void ShardFailed(this ILogger logger, long dequeueCount, int maxDequeueCount, string error);

    [LoggerMessage(145, LogLevel.Error, "shard message moved to {Poison} after {DequeueCount} tries: {Error}")]
    public static partial void ShardPoisoned(this ILogger logger, string poison, long dequeueCount, string error);

    [LoggerMessage(146, LogLevel.Warning, "shard queue: {Error}; trying again")]
    public static partial void QueueUnavailable(this ILogger logger, string error);

    [LoggerMessage(147, LogLevel.Warning, "shard message lease lost while working on it (another worker may take it): {Error}")]
    public static partial void LeaseLost(this ILogger logger, string error);

    [LoggerMessage(148, LogLevel.Information, "local scheduler: off (Federation__LocalScheduler is false); this process scrapes shards only")]
    public static partial void LocalSchedulerOff(this ILogger logger);
}
