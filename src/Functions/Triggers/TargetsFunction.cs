using FedFunctions.Core.Targets;
using FedFunctions.Functions.Endpoints;
using Microsoft.Azure.Functions.Worker;

namespace FedFunctions.Functions.Triggers;

/// <summary>
/// The <c>Targets</c> and <c>TargetsApi</c> functions: <c>GET /targets</c> (<see cref="TargetsPageEndpoint"/>) and
/// <c>GET /api/v1/targets</c> (<see cref="TargetsApiEndpoint"/>), behind a function key like <c>/federate</c>:
/// they show target addresses, labels and errors.
/// </summary>
internal sealed class TargetsFunction(TargetsReader reader, TimeProvider time)
{
    [Function("Targets")]
    public Task PageAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "targets")] HttpRequest request) =>
        TargetsPageEndpoint.HandleAsync(request.HttpContext, reader, time);

    [Function("TargetsApi")]
    public Task ApiAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/v1/targets")] HttpRequest request) =>
        TargetsApiEndpoint.HandleAsync(request.HttpContext, reader);
}
