namespace FedFunctions.Core.Sharding;

/// <summary>ShardQueueException: the Queue service is unreachable or refused a request; the message names the queue and the operation.</summary>
public sealed class ShardQueueException(string message, Exception? inner = null) : Exception(message, inner);
