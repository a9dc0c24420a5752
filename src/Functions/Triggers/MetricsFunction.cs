using FedFunctions.Functions.Endpoints;
using FedFunctions.Functions.Monitoring;
using Microsoft.Azure.Functions.Worker;

namespace FedFunctions.Functions.Triggers;

/// <summary>The <c>Metrics</c> function: <c>GET /metrics</c> behind a function key, answered by <see cref="MetricsEndpoint"/>.</summary>
internal sealed class MetricsFunction(AppMetrics metrics)
{
    [Function("Metrics")]
    public Task RunAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "metrics")] HttpRequest request) =>
        MetricsEndpoint.HandleAsync(request.HttpContext, metrics);
}
