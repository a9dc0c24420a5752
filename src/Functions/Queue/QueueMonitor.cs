using FedFunctions.Core.Sharding;
using FedFunctions.Functions.Monitoring;

namespace FedFunctions.Functions.Queue;

/// <summary>QueueMonitor counts every Queue service request on <c>fedfunctions_queue_operations_total{operation}</c> (the cost model reads it).</summary>
internal sealed class QueueMonitor(AppMetrics metrics) : IShardQueueObserver
{
    public void QueueOperation(string operation) => metrics.QueueOperations.Inc(operation);
}
