using System.Buffers;
using System.Diagnostics.Metrics;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;

namespace FedFunctions.Functions.Monitoring;

/// <summary>
/// AppMetrics are fed-functions' own metrics, as <see cref="System.Diagnostics.Metrics"/> instruments on the meter
/// <see cref="MeterName"/>: served on <c>GET /metrics</c> in Prometheus' text format with the same writer that serves
/// <c>/federate</c> (so the default config can federate the app itself), and exported by OpenTelemetry when
/// Application Insights is configured (<c>Hosting/TelemetryExport</c>). Labels take values from small fixed sets only.
/// </summary>
public sealed class AppMetrics : IDisposable
{
    /// <summary>MeterName ("FedFunctions") is the meter of every instrument here.</summary>
    public const string MeterName = "FedFunctions";

    private readonly Meter _meter;
    private readonly MeterCollector _collector;

    internal readonly Counter Scrapes;
    internal readonly Histogram ScrapeDuration;
    internal readonly Counter Cycles;
    internal readonly Histogram CycleDuration;
    internal readonly Histogram StorageDuration;
    internal readonly Counter SnapshotsWritten;
    internal readonly Counter FederateRequests;
    internal readonly Histogram FederateDuration;
    internal readonly Counter SeriesServed;
    internal readonly Counter CorruptSnapshots;
    internal readonly Counter StorageRecreated;
    internal readonly Counter SdFileReadErrors;
    internal readonly Counter SdHttpFailures;
    internal readonly Counter SdTargetsSkipped;
    internal readonly Counter SdTargetLimitExceeded;
    internal readonly Gauge ConfigLastReloadSuccessful;
    internal readonly Gauge ConfigLastReloadSuccessTimestamp;
    internal readonly Counter ConfigReloads;
    internal readonly Counter StorageOperations;
    internal readonly Counter StorageBytesWritten;
    internal readonly Counter StorageBytesRead;
    internal readonly Counter ShardMessages;

    /// <summary>Creates the instruments on a meter from <paramref name="meters"/> (one per app, disposed with it).</summary>
    public AppMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(MeterName);
        // Listening starts before the instruments exist, so it sees each one as it is created.
        _collector = new MeterCollector(_meter);
        Scrapes = new(_meter, "fedfunctions_target_scrapes_total", "Target scrapes by outcome.", "outcome");
        ScrapeDuration = new(_meter, "fedfunctions_target_scrape_duration_seconds", "Duration of target scrapes.", Histogram.LatencyBounds);
        Cycles = new(_meter, "fedfunctions_scrape_cycles_total", "ScrapeTimer runs by outcome.", "outcome");
        CycleDuration = new(_meter, "fedfunctions_scrape_cycle_duration_seconds", "Duration of whole ScrapeTimer runs.", Histogram.LatencyBounds);
        StorageDuration = new(_meter, "fedfunctions_storage_operation_duration_seconds", "Latency of storage operations.", Histogram.LatencyBounds, "operation");
        SnapshotsWritten = new(_meter, "fedfunctions_snapshots_written_total", "Target snapshots written to storage.");
        FederateRequests = new(_meter, "fedfunctions_federate_requests_total", "Federate requests by HTTP status code.", "code");
        FederateDuration = new(_meter, "fedfunctions_federate_request_duration_seconds", "Duration of federate requests.", Histogram.LatencyBounds);
        SeriesServed = new(_meter, "fedfunctions_federate_series_served_total", "Series written in federate answers.");
        CorruptSnapshots = new(_meter, "fedfunctions_snapshots_corrupt_total", "Stored snapshots that could not be decoded and were skipped.");
        StorageRecreated = new(_meter, "fedfunctions_storage_recreated_total", "Times the snapshot table or blob container was found missing and created again.");
        SdFileReadErrors = new(_meter, "fedfunctions_sd_file_read_errors_total", "File service discovery files that could not be read or parsed (their last good targets are kept).");
        SdHttpFailures = new(_meter, "fedfunctions_sd_http_failures_total", "Failed HTTP service discovery refreshes (the endpoint's last good targets are kept).");
        SdTargetsSkipped = new(_meter, "fedfunctions_sd_target_sync_failed_total", "Discovered targets skipped because they are invalid after relabeling, by job.", "scrape_job");
        SdTargetLimitExceeded = new(_meter, "fedfunctions_sd_target_limit_exceeded_total", "Scrape runs in which a job had more targets than its target_limit, by job.", "scrape_job");
        ConfigLastReloadSuccessful = new(_meter, "fedfunctions_config_last_reload_successful", "Whether the last configuration reload attempt was successful.");
        ConfigLastReloadSuccessTimestamp = new(_meter, "fedfunctions_config_last_reload_success_timestamp_seconds", "Timestamp of the last successful configuration reload.");
        ConfigReloads = new(_meter, "fedfunctions_config_reloads_total", "Configuration checks that found a change or failed, by outcome (success, invalid, unreadable).", "outcome");
        StorageOperations = new(_meter, StorageOperationsName, "Storage REST requests sent (retries included: each is a billed transaction), by service and operation.", "service", "operation");
        StorageBytesWritten = new(_meter, "fedfunctions_storage_bytes_written_total", "Request body bytes sent to storage, by service.", "service");
        StorageBytesRead = new(_meter, "fedfunctions_storage_bytes_read_total", "Response body bytes (Content-Length) received from storage, by service.", "service");
        ShardMessages = new(_meter, "fedfunctions_shard_messages_total", "Shard messages by outcome (sent, completed, expired, failed, poisoned).", "outcome");
        ObserveProcess();
    }

    /// <summary>
    /// The process and runtime series every Prometheus client library exposes (the names prometheus-net uses for the
    /// .NET ones), read when collected: where a slow answer's time went (CPU, collections, pauses) and how much memory
    /// the decoded snapshots hold. They describe the whole process (every app in it).
    /// </summary>
    private void ObserveProcess()
    {
        var started = new DateTimeOffset(System.Diagnostics.Process.GetCurrentProcess().StartTime).ToUnixTimeMilliseconds() / 1000.0;
        _meter.CreateObservableCounter("process_cpu_seconds_total", static () => Environment.CpuUsage.TotalTime.TotalSeconds, unit: null,
            description: "Total user and system CPU time spent in seconds.");
        _meter.CreateObservableGauge("process_resident_memory_bytes", static () => (double)Environment.WorkingSet, unit: null,
            description: "Resident memory size in bytes.");
        _meter.CreateObservableGauge("process_start_time_seconds", () => started, unit: null,
            description: "Start time of the process since unix epoch in seconds.");
        _meter.CreateObservableCounter("dotnet_collection_count_total", static () => Enumerable.Range(0, GC.MaxGeneration + 1)
                .Select(generation => new Measurement<long>(GC.CollectionCount(generation), new KeyValuePair<string, object?>("generation", generation))),
            unit: null, description: "GC collection count by generation (a collection of a generation counts for the younger ones too).");
        _meter.CreateObservableCounter("dotnet_gc_pause_seconds_total", static () => GC.GetTotalPauseDuration().TotalSeconds, unit: null,
            description: "Time the garbage collector has paused the process in seconds.");
        _meter.CreateObservableGauge("dotnet_total_memory_bytes", static () => (double)GC.GetTotalMemory(false), unit: null,
            description: "Bytes the garbage collector thinks are allocated.");
    }

    /// <summary>
    /// Adds the gauge <c>fedfunctions_snapshot_cache_targets</c>: how many decoded snapshots this instance holds
    /// (read when collected).
    /// </summary>
    internal void ObserveCachedSnapshots(Func<int> count) =>
        _meter.CreateObservableGauge("fedfunctions_snapshot_cache_targets", count, unit: null, description: "Target snapshots held decoded in this instance's cache.");

    /// <summary>StorageOperationsName is the counter of storage requests, which the cost model reads.</summary>
    public const string StorageOperationsName = "fedfunctions_storage_operations_total";

    /// <summary>Collect returns every metric as it would be written on <c>/metrics</c>, for the cost model to read.</summary>
    internal List<MetricFamily> Collect() => _collector.Collect();

    /// <summary>Writes every metric in text format 0.0.4.</summary>
    public void WriteTo(IBufferWriter<byte> output) =>
        PrometheusTextWriter.WriteFamilies(output, _collector.Collect(), ExternalLabels.None);

    /// <inheritdoc />
    public void Dispose()
    {
        _collector.Dispose();
        _meter.Dispose();
    }
}
