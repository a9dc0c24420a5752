namespace FedFunctions.Core.Storage;

/// <summary>
/// IStorageRequestObserver hears about every HTTP request that a client built from a <see cref="StorageConnection"/>
/// (or a <see cref="Sharding.ShardQueueClient"/>) sends to storage, retries included (<see cref="StorageRequestPolicy"/>): what the account bills as transactions.
/// Called concurrently from many requests; must be cheap and must not throw.
/// </summary>
public interface IStorageRequestObserver
{
    /// <summary>
    /// RequestSent is called once per request attempt, after its answer (or its failure to get one).
    /// </summary>
    /// <param name="service">The service the request went to.</param>
    /// <param name="operation">What it did, one of the names in <see cref="StorageOperation"/>.</param>
    /// <param name="bytesSent">The request body's length (0 without a body).</param>
    /// <param name="bytesReceived">The answer's Content-Length (0 without an answer or a body).</param>
    void RequestSent(StorageService service, string operation, long bytesSent, long bytesReceived);
}
