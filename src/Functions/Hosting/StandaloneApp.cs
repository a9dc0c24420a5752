using FedFunctions.Functions.Endpoints;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace FedFunctions.Functions.Hosting;

/// <summary>
/// StandaloneApp is the executable without the Functions host: a Kestrel app serving the same endpoints
/// as the functions (<c>GET|POST /federate</c>, <c>GET /metrics</c>, <c>GET /api/v1/targets</c>, <c>GET /targets</c>,
/// <c>/-/healthy</c>, <c>/-/ready</c>) from the same code, plus <c>GET /</c> (up), <c>POST /-/scrape</c> (one scrape
/// cycle now) and <c>POST /-/reload</c> (check the configuration now, as SIGHUP does), with <see cref="LocalScheduler"/>
/// firing the cycle on <c>ScrapeSchedule</c> (unless <c>Federation__LocalScheduler</c> is false) and
/// <see cref="Queue.LocalShardConsumer"/> scraping shard messages. Nothing slow runs before it listens.
/// </summary>
internal static class StandaloneApp
{
    /// <summary>MaxRequestLine (1 MiB) is the longest request line served, the whole URL included.</summary>
    public const int MaxRequestLine = 1024 * 1024;

    /// <summary>
    /// Builds the app without starting it (tests start it on a free port). Settings come from the environment
    /// and <paramref name="args"/>; <paramref name="settings"/> (keys such as <c>Federation:LookbackDelta</c>) override them.
    /// </summary>
    /// <exception cref="Core.Configuration.ConfigException">A setting or the scrape configuration is invalid.</exception>
    public static WebApplication Build(string[] args, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(o =>
        {
            // Prometheus accepts URLs up to 1 MiB (Go's header limit), so a GET /federate with many match[] fits too;
            // the request line counts against the header total, and a connection must be able to buffer the headers
            // whole, so both grow with it. Form bodies keep their own limits (FederateEndpoint).
            o.Limits.MaxRequestLineSize = MaxRequestLine;
            o.Limits.MaxRequestHeadersTotalSize = MaxRequestLine + 64 * 1024;
            o.Limits.MaxRequestBufferSize = MaxRequestLine + 64 * 1024;
        });
        builder.Services.AddFederation(builder.Configuration);
        builder.Services.AddTelemetryExport(builder.Configuration, worker: false);
        builder.Services.AddHostedService<LocalScheduler>();
        builder.Services.AddHostedService<Queue.LocalShardConsumer>();
        builder.Services.AddHostedService<SighupReload>();

        var app = builder.Build();
        FederationServices.CheckAtStart(app.Services);
        app.MapGet("/", () => Results.Text("fed-functions is ready\n"));
        app.MapPost("/-/scrape", ScrapeNowEndpoint.HandleAsync);
        app.MapMethods("/-/reload", ["GET", "POST", "PUT"], ReloadEndpoint.HandleAsync);
        app.MapMethods("/federate", ["GET", "POST"], FederateEndpoint.HandleAsync);
        app.MapGet("/metrics", MetricsEndpoint.HandleAsync);
        app.MapGet("/api/v1/targets", TargetsApiEndpoint.HandleAsync);
        app.MapGet("/targets", TargetsPageEndpoint.HandleAsync);
        app.MapMethods("/-/healthy", ["GET", "HEAD"], HealthEndpoints.HealthyAsync);
        app.MapMethods("/-/ready", ["GET", "HEAD"], HealthEndpoints.ReadyAsync);
        return app;
    }
}
