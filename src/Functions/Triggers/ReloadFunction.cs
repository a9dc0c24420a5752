using FedFunctions.Functions.Configuration;
using FedFunctions.Functions.Endpoints;
using Microsoft.Azure.Functions.Worker;

namespace FedFunctions.Functions.Triggers;

/// <summary>
/// The <c>Reload</c> function: <c>POST|PUT /-/reload</c> behind a function key, answered by <see cref="ReloadEndpoint"/>.
/// It reloads the instance that gets the request; every instance also checks on the schedule.
/// </summary>
internal sealed class ReloadFunction(ConfigReloader reloader)
{
    [Function("Reload")]
    public Task RunAsync([HttpTrigger(AuthorizationLevel.Function, "post", "put", Route = "-/reload")] HttpRequest request) =>
        ReloadEndpoint.HandleAsync(request.HttpContext, reloader);
}
