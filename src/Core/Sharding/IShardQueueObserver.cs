namespace FedFunctions.Core.Sharding;

/// <summary>
/// IShardQueueObserver hears about every request <see cref="ShardQueueClient"/> sends to the Queue service (for the app's
/// metrics and the cost model). Called concurrently; should not throw.
/// </summary>
public interface IShardQueueObserver
{
    /// <summary>QueueOperation is called once per REST request: <c>create</c>, <c>send</c>, <c>receive</c>, <c>update</c> or <c>delete</c>.</summary>
    void QueueOperation(string operation);
}
