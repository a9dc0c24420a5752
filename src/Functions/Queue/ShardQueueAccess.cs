using FedFunctions.Core.Sharding;

namespace FedFunctions.Functions.Queue;

/// <summary>
/// ShardQueueAccess is the app's shard queue, or none when the storage settings name no queue endpoint (then runs
/// scrape inline and no local worker starts).
/// </summary>
/// <param name="Client">The queue, or null.</param>
internal sealed record ShardQueueAccess(ShardQueueClient? Client);
