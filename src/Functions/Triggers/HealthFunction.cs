using FedFunctions.Functions.Endpoints;
using FedFunctions.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace FedFunctions.Functions.Triggers;

/// <summary>
/// The <c>Healthy</c> and <c>Ready</c> functions: <c>/-/healthy</c> and <c>/-/ready</c> (<see cref="HealthEndpoints"/>).
/// Anonymous, as Prometheus means them: probes (a load balancer, Azure's health check, a deploy pipeline) carry no
/// key, and the answers tell nothing but a fixed sentence and a status code.
/// </summary>
internal sealed class HealthFunction(Readiness readiness)
{
    [Function("Healthy")]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Function entry points are instance methods, like the others here.")]
    public Task HealthyAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "-/healthy")] HttpRequest request) =>
        HealthEndpoints.HealthyAsync(request.HttpContext);

    [Function("Ready")]
    public Task ReadyAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "-/ready")] HttpRequest request) =>
        HealthEndpoints.ReadyAsync(request.HttpContext, readiness);
}
