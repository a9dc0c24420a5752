using FedFunctions.Core.Federation;
using FedFunctions.Functions.Endpoints;
using FedFunctions.Functions.Monitoring;
using Microsoft.Azure.Functions.Worker;

namespace FedFunctions.Functions.Triggers;

/// <summary>The <c>Federate</c> function: <c>GET|POST /federate</c> behind a function key, answered by <see cref="FederateEndpoint"/>.</summary>
internal sealed class FederateFunction(FederationService federation, AppMetrics metrics, ILogger<FederationService> logger)
{
    [Function("Federate")]
    public Task RunAsync([HttpTrigger(AuthorizationLevel.Function, "get", "post", Route = "federate")] HttpRequest request) =>
        FederateEndpoint.HandleAsync(request.HttpContext, federation, metrics, logger);
}
