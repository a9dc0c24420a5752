using FedFunctions.Core.Configuration;
using FedFunctions.Core.Federation;
using FedFunctions.Core.Ingestion;
using FedFunctions.Core.Scraping;
using FedFunctions.Core.Storage;
using FedFunctions.Functions.Endpoints;
using FedFunctions.Functions.Monitoring;

namespace FedFunctions.Functions.Hosting;

/// <summary>
/// FederationApp builds the custom handler: a Kestrel app with the runtime contract's endpoints
/// (<c>GET /</c>, <c>POST /ScrapeTimer</c>, <c>GET|POST /federate</c>, <c>GET /metrics</c>). Nothing slow runs
/// before it listens: the host gives a custom handler at most 30 s to answer <c>GET /</c> on Flex Consumption.
/// </summary>
public static class FederationApp
{
    /// <summary>Builds and runs the app until shutdown; returns the process exit code.</summary>
    public static int Run(string[] args, Func<string, string?> getSetting)
    {
        WebApplication app;
        try
        {
            app = Build(args, getSetting);
        }
        catch (ConfigException ex)
        {
            // Configuration mistakes stop the app at start-up with the key and line, never silently later.
            Console.Error.WriteLine($"fed-functions: configuration error: {ex.Message}");
            return 2;
        }
        app.Run();
        return 0;
    }

    /// <summary>Builds the app without starting it (tests start it on a free port).</summary>
    /// <exception cref="ConfigException">A setting or the scrape configuration is invalid.</exception>
    public static WebApplication Build(string[] args, Func<string, string?> getSetting)
    {
        ArgumentNullException.ThrowIfNull(getSetting);
        var settings = AppSettings.Read(getSetting);
        var config = FederationConfig.Load(settings.ConfigPath);
        SnapshotStore store;
        try
        {
            store = SnapshotStore.FromSettings(getSetting, new SnapshotStoreOptions { TableName = settings.SnapshotTable, ContainerName = settings.SnapshotContainer });
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // Wrong storage settings are a configuration mistake: stop at start-up and say which setting.
            throw new ConfigException(ex.Message, ex);
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (settings.CustomHandlerPort is { } port)
        {
            // The host calls http://127.0.0.1:{FUNCTIONS_CUSTOMHANDLER_PORT}; nothing else should reach us.
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(config);
        services.AddSingleton(store);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AppMetrics>();
        services.AddSingleton(_ => new Scraper(Scraper.CreateHttpClient(), new ScraperOptions { MaxConcurrency = settings.MaxConcurrency }));
        services.AddSingleton(sp =>
        {
            var metrics = sp.GetRequiredService<AppMetrics>();
            return new ScrapeCycle(config, sp.GetRequiredService<Scraper>(), store, settings.MaxConcurrency)
            {
                SnapshotScraped = snapshot =>
                {
                    metrics.Scrapes.Inc(snapshot.Up ? "success" : "failure");
                    metrics.ScrapeDuration.Observe(snapshot.DurationSeconds);
                },
            };
        });
        services.AddSingleton<ScrapeRunner>();
        services.AddSingleton(sp =>
        {
            var metrics = sp.GetRequiredService<AppMetrics>();
            var logger = sp.GetRequiredService<ILogger<SnapshotCache>>();
            // Malformed entities (storage level) and undecodable payloads (codec level) both skip one target.
            store.CorruptEntity = (key, reason) =>
            {
                metrics.CorruptSnapshots.Inc();
                logger.LogError("skipping unreadable snapshot entity of {Job}/{Target}: {Reason}", key.Job, key.TargetId, reason);
            };
            return new SnapshotCache(store, settings.CacheRefresh)
            {
                CorruptSnapshot = (key, ex) =>
                {
                    metrics.CorruptSnapshots.Inc();
                    logger.LogError("skipping unreadable snapshot of {Job}/{Target}: {Error}", key.Job, key.TargetId, ex.Message);
                },
            };
        });
        services.AddSingleton(sp => new FederationService(sp.GetRequiredService<SnapshotCache>(), config, settings.LookbackDelta));
        if (!settings.UnderFunctionsHost) services.AddHostedService<LocalScheduler>();

        var app = builder.Build();
        app.MapGet("/", () => Results.Text("fed-functions is ready\n"));
        app.MapPost("/ScrapeTimer", ScrapeTimerEndpoint.HandleAsync);
        app.MapMethods("/federate", ["GET", "POST"], FederateEndpoint.HandleAsync);
        app.MapGet("/metrics", (HttpContext context, AppMetrics metrics) =>
        {
            context.Response.ContentType = FederateEndpoint.TextContentType;
            metrics.WriteTo(context.Response.BodyWriter);
            return Task.CompletedTask;
        });

        // Create the table and container once the app listens, off the start-up path.
        app.Lifetime.ApplicationStarted.Register(() => _ = EnsureStorageAsync(store, app.Logger));
        return app;
    }

    private static async Task EnsureStorageAsync(SnapshotStore store, ILogger logger)
    {
        try
        {
            await store.EnsureCreatedAsync();
        }
        catch (SnapshotStoreException ex)
        {
            logger.LogError("storage not ready yet: {Error}", ex.Message);
        }
    }
}
