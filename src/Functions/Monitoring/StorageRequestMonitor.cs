using FedFunctions.Core.Storage;

namespace FedFunctions.Functions.Monitoring;

/// <summary>
/// StorageRequestMonitor counts every request the app's storage clients send (snapshot store, configuration blob,
/// target list, shard queue), by service and operation, and the bytes each way: <c>fedfunctions_storage_operations_total</c>,
/// <c>fedfunctions_storage_bytes_written_total</c>, <c>fedfunctions_storage_bytes_read_total</c>. The cost model
/// (<c>check-config --cost</c>) prices these counts.
/// </summary>
internal sealed class StorageRequestMonitor(AppMetrics metrics) : IStorageRequestObserver
{
    public void RequestSent(StorageService service, string operation, long bytesSent, long bytesReceived)
    {
        var name = Name(service);
        metrics.StorageOperations.Inc(name, operation);
        if (bytesSent > 0) metrics.StorageBytesWritten.Inc(name, by: bytesSent);
        if (bytesReceived > 0) metrics.StorageBytesRead.Inc(name, by: bytesReceived);
    }

    /// <summary>Name is the <c>service</c> label of <paramref name="service"/>: <c>table</c>, <c>blob</c> or <c>queue</c>.</summary>
    public static string Name(StorageService service) => service switch
    {
        StorageService.Table => "table",
        StorageService.Queue => "queue",
        _ => "blob",
    };
}
