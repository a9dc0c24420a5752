using FedFunctions.Core.Configuration;
using FedFunctions.Core.Federation;
using FedFunctions.Core.Ingestion;
using FedFunctions.Core.Scraping;
using FedFunctions.Core.Storage;
using FedFunctions.Functions.Monitoring;

namespace FedFunctions.Functions.Hosting;

/// <summary>
/// FederationServices registers what both hosting modes share: settings, scrape configuration, snapshot
/// store, scraper, scrape cycle, snapshot cache, federation and the app's metrics.
/// </summary>
internal static class FederationServices
{
    /// <summary>ShutdownTimeout (15 s) covers <see cref="ScrapeRunner.StopGrace"/> and in-flight requests, under the usual 30 s before a kill.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Reads the settings and the scrape configuration and registers the services.</summary>
    /// <exception cref="ConfigException">A setting or the scrape configuration is invalid.</exception>
    public static IServiceCollection AddFederation(this IServiceCollection services, Func<string, string?> getSetting)
    {
        ArgumentNullException.ThrowIfNull(getSetting);
        var settings = AppSettings.Read(getSetting);
        var config = FederationConfig.Load(settings.ConfigPath);
        var storeOptions = new SnapshotStoreOptions { TableName = settings.SnapshotTable, ContainerName = settings.SnapshotContainer };
        try
        {
            // Built once here only to check the settings: wrong storage settings stop the app at start-up.
            _ = SnapshotStore.FromSettings(getSetting, storeOptions);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // Wrong storage settings are a configuration mistake: stop at start-up and say which setting.
            throw new ConfigException(ex.Message, ex);
        }

        // A stopping host gives a scrape run its grace period and in-flight requests time to complete.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        services.AddSingleton(settings);
        services.AddSingleton(config);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AppMetrics>();
        services.AddSingleton<StorageMonitor>();
        services.AddSingleton(sp => SnapshotStore.FromSettings(getSetting, storeOptions, sp.GetRequiredService<StorageMonitor>()));
        services.AddSingleton(_ => new Scraper(Scraper.CreateHttpClient(), new ScraperOptions { MaxConcurrency = settings.MaxConcurrency }));
        services.AddSingleton(sp =>
        {
            var metrics = sp.GetRequiredService<AppMetrics>();
            return new ScrapeCycle(config, sp.GetRequiredService<Scraper>(), sp.GetRequiredService<SnapshotStore>(), settings.MaxConcurrency)
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
            // Malformed entities (storage level, StorageMonitor) and undecodable payloads (codec level) both skip one target.
            return new SnapshotCache(sp.GetRequiredService<SnapshotStore>(), settings.CacheRefresh, sp.GetRequiredService<TimeProvider>(), settings.StorageBudget)
            {
                CorruptSnapshot = (key, ex) =>
                {
                    metrics.CorruptSnapshots.Inc();
                    logger.LogError("skipping unreadable snapshot of {Job}/{Target}: {Error}", key.Job, key.TargetId, ex.Message);
                },
            };
        });
        services.AddSingleton(sp => new FederationService(sp.GetRequiredService<SnapshotCache>(), config, settings.LookbackDelta));
        services.AddHostedService<StorageSetup>();
        return services;
    }

    /// <summary>Creates the table and container at start, off the start-up path (never awaited by it).</summary>
    private sealed class StorageSetup(SnapshotStore store, ILogger<StorageSetup> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = EnsureStorageAsync();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        private async Task EnsureStorageAsync()
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
}
