using FedFunctions.Core.Configuration;
using FedFunctions.Core.Federation;
using FedFunctions.Core.Scraping;
using FedFunctions.Core.Storage;

namespace FedFunctions.Functions.Settings;

/// <summary>
/// FederationOptions are the settings of the <c>Federation</c> section (<c>Federation__Name</c> as environment
/// variables). Durations are strings in Prometheus' format (<c>5m</c>, <c>1500ms</c>): the configuration binder
/// reads a <see cref="TimeSpan"/> only as <c>00:05:00</c>, and a string keeps the default here exactly as the
/// README shows it; <see cref="FederationOptionsValidator"/> parses them at start.
/// </summary>
public sealed class FederationOptions
{
    /// <summary>Section is the configuration section these options are bound from.</summary>
    public const string Section = "Federation";

    /// <summary>
    /// ConfigPath is the scrape configuration in Prometheus' YAML format: a file, or the URL of a blob in the
    /// <c>FederationStorage</c> account. It is checked for changes before every scrape run and reloaded.
    /// </summary>
    public string ConfigPath { get; set; } = "prometheus.yml";

    /// <summary>
    /// ConfigDirectory is where relative paths in a configuration read from a blob resolve (<c>*_file</c> keys, file
    /// discovery globs); unset: the app's content root. A configuration file resolves them against its own directory.
    /// </summary>
    public string? ConfigDirectory { get; set; }

    /// <summary>LookbackDelta: a sample older than this is not federated (Prometheus' <c>--query.lookback-delta</c>).</summary>
    public string LookbackDelta { get; set; } = PrometheusDuration.Format(FederationQuery.DefaultLookback);

    /// <summary>MaxConcurrency is how many targets are scraped at once (1 to 1024).</summary>
    public int MaxConcurrency { get; set; } = ScraperOptions.DefaultMaxConcurrency;

    /// <summary>
    /// CacheRefresh is how long <c>/federate</c> reuses one listing of the stored snapshot versions (<c>0s</c>: list
    /// on every request). Snapshots change only at scrape ticks; a scrape run in this instance refreshes at once.
    /// </summary>
    public string CacheRefresh { get; set; } = "1s";

    /// <summary>SnapshotTable is the table holding one entity per target.</summary>
    public string SnapshotTable { get; set; } = SnapshotStoreOptions.DefaultName;

    /// <summary>SnapshotContainer is the blob container for snapshots too large for an entity.</summary>
    public string SnapshotContainer { get; set; } = SnapshotStoreOptions.DefaultName;

    /// <summary>
    /// StorageBudget is how long one <c>/federate</c> request may wait for storage before it answers 503;
    /// Prometheus' <c>X-Prometheus-Scrape-Timeout-Seconds</c> can shorten it.
    /// </summary>
    public string StorageBudget { get; set; } = PrometheusDuration.Format(SnapshotCache.DefaultReadBudget);

    /// <summary>ScrapeRunBudget is how long one scrape run may take; unset: derived from the schedule (<see cref="Hosting.RunSchedule"/>).</summary>
    public string? ScrapeRunBudget { get; set; }

    /// <summary>
    /// ShardSize is how many targets one shard message holds: a run with more due targets sends them to the
    /// <see cref="ShardQueue"/> in shards instead of scraping them itself (0: never fan out, every run scrapes inline).
    /// </summary>
    public int ShardSize { get; set; } = Core.Sharding.QueueShardSender.DefaultShardSize;

    /// <summary>ShardQueue is the Azure Storage queue of shard messages (its poison queue is <c>&lt;name&gt;-poison</c>); the <c>ScrapeShard</c> function reads it.</summary>
    public string ShardQueue { get; set; } = "scrape-shards";

    /// <summary>QueueWorkers is how many shard messages a standalone process scrapes at once (0: this process scrapes no shards).</summary>
    public int QueueWorkers { get; set; } = 1;

    /// <summary>
    /// QueueVisibilityTimeout is how long a standalone worker holds a shard message before another may take it
    /// (renewed while it works); never more than half the shortest scrape interval, so a dead worker's shard is retried in time.
    /// </summary>
    public string QueueVisibilityTimeout { get; set; } = "30s";

    /// <summary>QueueRetryDelay is how long a failed shard message stays invisible before it is retried (host.json <c>visibilityTimeout</c>).</summary>
    public string QueueRetryDelay { get; set; } = "5s";

    /// <summary>QueueMaxDequeueCount is how many times a shard message is tried before it goes to the poison queue (host.json <c>maxDequeueCount</c>).</summary>
    public int QueueMaxDequeueCount { get; set; } = 5;

    /// <summary>QueuePollingInterval is the longest wait between two looks at an empty queue (host.json <c>maxPollingInterval</c>).</summary>
    public string QueuePollingInterval { get; set; } = "2s";

    /// <summary>LocalScheduler runs scrape runs on <c>ScrapeSchedule</c> in a standalone process (false: a worker that only scrapes shards).</summary>
    public bool LocalScheduler { get; set; } = true;

    internal TimeSpan QueueVisibilityTimeoutTime => PrometheusDuration.Parse(QueueVisibilityTimeout);

    internal TimeSpan QueueRetryDelayTime => QueueRetryDelay is "0" ? TimeSpan.Zero : PrometheusDuration.Parse(QueueRetryDelay);

    internal TimeSpan QueuePollingIntervalTime => PrometheusDuration.Parse(QueuePollingInterval);

    internal TimeSpan LookbackDeltaTime => PrometheusDuration.Parse(LookbackDelta);

    internal TimeSpan CacheRefreshTime => CacheRefresh is "0" ? TimeSpan.Zero : PrometheusDuration.Parse(CacheRefresh);

    internal TimeSpan StorageBudgetTime => PrometheusDuration.Parse(StorageBudget);

    internal TimeSpan? ScrapeRunBudgetTime => string.IsNullOrWhiteSpace(ScrapeRunBudget) ? null : PrometheusDuration.Parse(ScrapeRunBudget);

    internal SnapshotStoreOptions StoreOptions => new() { TableName = SnapshotTable, ContainerName = SnapshotContainer };
}
