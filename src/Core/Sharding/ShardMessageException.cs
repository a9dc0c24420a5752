namespace FedFunctions.Core.Sharding;

/// <summary>ShardMessageException: a queue message is not a shard this version can read, or names a job the configuration lacks.</summary>
public sealed class ShardMessageException(string message, Exception? inner = null) : Exception(message, inner);
