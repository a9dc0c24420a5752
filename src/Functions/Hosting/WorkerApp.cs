using Microsoft.Azure.Functions.Worker.Builder;

namespace FedFunctions.Functions.Hosting;

/// <summary>
/// WorkerApp is the isolated worker: the Functions host owns the schedule and the HTTP front door and
/// invokes the functions in <c>Triggers/</c>; with ASP.NET Core integration the host proxies each HTTP
/// request whole, so the functions get the real <see cref="HttpRequest"/> and write the real response.
/// </summary>
internal static class WorkerApp
{
    /// <summary>Builds the worker without starting it.</summary>
    /// <exception cref="Core.Configuration.ConfigException">A setting or the scrape configuration is invalid.</exception>
    public static IHost Build(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddFederation(builder.Configuration);
        builder.Services.AddHostedService<ConfigWatcher>();
        builder.Services.AddTelemetryExport(builder.Configuration, worker: true);
        var app = builder.Build();
        FederationServices.CheckAtStart(app.Services);
        return app;
    }
}
