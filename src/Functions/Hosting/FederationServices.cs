using FedFunctions.Core.Configuration;
using FedFunctions.Core.Discovery;
using FedFunctions.Core.Federation;
using FedFunctions.Core.Ingestion;
using FedFunctions.Core.Scraping;
using FedFunctions.Core.Sharding;
using FedFunctions.Core.Storage;
using FedFunctions.Core.Targets;
using FedFunctions.Functions.Configuration;
using FedFunctions.Functions.Monitoring;
using FedFunctions.Functions.Queue;
using FedFunctions.Functions.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FedFunctions.Functions.Hosting;

/// <summary>
/// FederationServices registers what both hosting modes share: settings, scrape configuration, snapshot
/// store, scraper, scrape cycle, snapshot cache, federation and the app's metrics.
/// </summary>
internal static class FederationServices
{
    /// <summary>ShutdownTimeout (15 s) covers <see cref="ScrapeRunner.StopGrace"/> and in-flight requests, under the usual 30 s before a kill.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Registers the services, with settings bound from <paramref name="configuration"/>. Every connection is a
    /// constructor argument here: the observers (<see cref="StorageMonitor"/>, <see cref="ScrapeMonitor"/>) are
    /// how the app's metrics and logs hear about storage repairs, skipped snapshots and each scrape.
    /// Call <see cref="CheckAtStart"/> on the built provider to fail on a wrong setting before start.
    /// </summary>
    public static IServiceCollection AddFederation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddFederationSettings(configuration);
        // A stopping host gives a scrape run its grace period and in-flight requests time to complete.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        // Every storage client (snapshot store, configuration blob) counts its requests: the cost model prices them.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.Connection
            .WithRequestObserver(sp.GetRequiredService<StorageRequestMonitor>()));
        services.AddSingleton(sp => ConfigSource.Create(
            Settings(sp).ConfigPath,
            sp.GetRequiredService<StorageConnection>(),
            Settings(sp).ConfigDirectory is { Length: > 0 } directory ? directory : sp.GetRequiredService<IHostEnvironment>().ContentRootPath));
        // The configuration in force can change at any scrape run (ConfigReloader): whoever needs it asks for the current one.
        services.AddSingleton(sp => new ConfigReloader(
            sp.GetRequiredService<ConfigSource>(),
            (config, hash) => new RunningConfig(
                config,
                new ScrapeCycle(
                    config, sp.GetRequiredService<Scraper>(), sp.GetRequiredService<SnapshotStore>(),
                    observer: sp.GetRequiredService<ScrapeMonitor>(), timeProvider: sp.GetRequiredService<TimeProvider>(),
                    discovery: sp.GetRequiredService<TargetDiscovery>(), shards: ShardSender(sp, hash)),
                new FederationService(sp.GetRequiredService<SnapshotCache>(), config, Settings(sp).LookbackDeltaTime, sp.GetRequiredService<TimeProvider>())),
            sp.GetRequiredService<AppMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ConfigReloader>>()));
        services.AddTransient(sp => sp.GetRequiredService<ConfigReloader>().Current.Config);
        services.AddSingleton<RunSchedule>();
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<AppMetrics>();
        services.AddSingleton<StorageMonitor>();
        services.AddSingleton<StorageRequestMonitor>();
        services.AddSingleton<ScrapeMonitor>();
        services.AddSingleton<DiscoveryMonitor>();
        // Discovery state (last good SD groups) lives beside the cycle, so a cycle for a reloaded config can reuse it.
        services.AddSingleton(sp => new TargetDiscovery(sp.GetRequiredService<DiscoveryMonitor>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => SnapshotStore.Create(
            sp.GetRequiredService<StorageConnection>(),
            Settings(sp).StoreOptions,
            observer: sp.GetRequiredService<StorageMonitor>()));
        services.AddSingleton(sp => new Scraper(Scraper.CreateHttpClient(), new ScraperOptions { MaxConcurrency = Settings(sp).MaxConcurrency, TimeProvider = sp.GetRequiredService<TimeProvider>() }));
        services.AddTransient(sp => sp.GetRequiredService<ConfigReloader>().Current.Cycle);
        services.AddSingleton<ScrapeRunner>();
        services.AddSingleton(sp =>
        {
            var cache = new SnapshotCache(
                sp.GetRequiredService<SnapshotStore>(),
                Settings(sp).CacheRefreshTime,
                sp.GetRequiredService<TimeProvider>(),
                Settings(sp).StorageBudgetTime,
                observer: sp.GetRequiredService<StorageMonitor>());
            sp.GetRequiredService<AppMetrics>().ObserveCachedSnapshots(() => cache.Count);
            return cache;
        });
        services.AddTransient(sp => sp.GetRequiredService<ConfigReloader>().Current.Federation);
        services.AddSingleton(sp => new TargetsReader(sp.GetRequiredService<SnapshotStore>(), sp.GetRequiredService<SnapshotCache>()));
        services.AddSingleton<Readiness>();
        // Fan-out: shard messages are sent by runs and scraped by ScrapeShard (worker) or LocalShardConsumer (standalone).
        // Its requests are counted as the other storage clients' are (service "queue").
        services.AddSingleton(sp => new ShardQueueAccess(sp.GetRequiredService<IOptions<StorageOptions>>().Value
            .ShardQueue(Settings(sp).ShardQueue, sp.GetRequiredService<StorageRequestMonitor>())));
        services.AddSingleton<ShardWorker>();
        services.AddHostedService<StorageSetup>();
        return services;
    }

    /// <summary>
    /// CheckAtStart reads every setting and the scrape configuration now, so a mistake stops the app before it
    /// listens or schedules anything, with a message naming the setting (or the config key and line). Later
    /// changes of the configuration are checked at every scrape run (<see cref="ConfigReloader"/>).
    /// </summary>
    /// <exception cref="ConfigException">A setting or the scrape configuration is invalid.</exception>
    public static void CheckAtStart(IServiceProvider services)
    {
        SettingsServices.Check(services);
        services.GetRequiredService<ConfigReloader>().LoadAtStart();
    }

    /// <summary>ShardSender is a run's fan-out over the shard queue (for the configuration hashed <paramref name="hash"/>), or null: inline only.</summary>
    private static QueueShardSender? ShardSender(IServiceProvider services, string hash) =>
        Settings(services).ShardSize > 0 && services.GetRequiredService<ShardQueueAccess>().Client is { } queue
            ? new QueueShardSender(queue, Settings(services).ShardSize, hash)
            : null;

    private static FederationOptions Settings(IServiceProvider services) => services.GetRequiredService<IOptions<FederationOptions>>().Value;

    /// <summary>Creates the table and container at start, off the start-up path (never awaited by it).</summary>
    private sealed class StorageSetup(SnapshotStore store, Readiness readiness, ILogger<StorageSetup> logger) : IHostedService
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
                readiness.StorageReached();
            }
            catch (SnapshotStoreException ex)
            {
                logger.StorageNotReady(ex.Message);
            }
        }
    }
}
