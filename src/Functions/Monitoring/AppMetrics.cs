using System.Buffers;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;

namespace FedFunctions.Functions.Monitoring;

/// <summary>
/// AppMetrics are fed-functions' own metrics, served on <c>GET /metrics</c> in Prometheus' text format
/// with the same writer that serves <c>/federate</c>, so the default config can federate the app itself.
/// </summary>
public sealed class AppMetrics
{
    internal readonly Counter Scrapes = new("fedfunctions_target_scrapes_total", "Target scrapes by outcome.", "outcome");
    internal readonly Histogram ScrapeDuration = new("fedfunctions_target_scrape_duration_seconds", "Duration of target scrapes.", Histogram.LatencyBounds);
    internal readonly Counter Cycles = new("fedfunctions_scrape_cycles_total", "ScrapeTimer runs by outcome.", "outcome");
    internal readonly Histogram CycleDuration = new("fedfunctions_scrape_cycle_duration_seconds", "Duration of whole ScrapeTimer runs.", Histogram.LatencyBounds);
    internal readonly Histogram StorageDuration = new("fedfunctions_storage_operation_duration_seconds", "Latency of storage operations.", Histogram.LatencyBounds, "operation");
    internal readonly Counter SnapshotsWritten = new("fedfunctions_snapshots_written_total", "Target snapshots written to storage.");
    internal readonly Counter FederateRequests = new("fedfunctions_federate_requests_total", "Federate requests by HTTP status code.", "code");
    internal readonly Histogram FederateDuration = new("fedfunctions_federate_request_duration_seconds", "Duration of federate requests.", Histogram.LatencyBounds);
    internal readonly Counter SeriesServed = new("fedfunctions_federate_series_served_total", "Series written in federate answers.");
    internal readonly Counter CorruptSnapshots = new("fedfunctions_snapshots_corrupt_total", "Stored snapshots that could not be decoded and were skipped.");
    internal readonly Counter StorageRecreated = new("fedfunctions_storage_recreated_total", "Times the snapshot table or blob container was found missing and created again.");
    internal readonly Counter SdFileReadErrors = new("fedfunctions_sd_file_read_errors_total", "File service discovery files that could not be read or parsed (their last good targets are kept).");
    internal readonly Counter SdHttpFailures = new("fedfunctions_sd_http_failures_total", "Failed HTTP service discovery refreshes (the endpoint's last good targets are kept).");
    internal readonly Counter SdTargetsSkipped = new("fedfunctions_sd_target_sync_failed_total", "Discovered targets skipped because they are invalid after relabeling, by job.", "scrape_job");
    internal readonly Counter SdTargetLimitExceeded = new("fedfunctions_sd_target_limit_exceeded_total", "Scrape runs in which a job had more targets than its target_limit, by job.", "scrape_job");
    internal readonly Gauge ConfigLastReloadSuccessful = new("fedfunctions_config_last_reload_successful", "Whether the last configuration reload attempt was successful.");
    internal readonly Gauge ConfigLastReloadSuccessTimestamp = new("fedfunctions_config_last_reload_success_timestamp_seconds", "Timestamp of the last successful configuration reload.");
    internal readonly Counter ConfigReloads = new("fedfunctions_config_reloads_total", "Configuration checks that found a change or failed, by outcome (success, invalid, unreadable).", "outcome");

    /// <summary>Writes every metric in text format 0.0.4.</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        var families = new List<MetricFamily>
        {
            Scrapes.Collect(), ScrapeDuration.Collect(), Cycles.Collect(), CycleDuration.Collect(),
            StorageDuration.Collect(), SnapshotsWritten.Collect(), FederateRequests.Collect(),
            FederateDuration.Collect(), SeriesServed.Collect(), CorruptSnapshots.Collect(), StorageRecreated.Collect(),
            SdFileReadErrors.Collect(), SdHttpFailures.Collect(), SdTargetsSkipped.Collect(), SdTargetLimitExceeded.Collect(),
            ConfigLastReloadSuccessful.Collect(), ConfigLastReloadSuccessTimestamp.Collect(), ConfigReloads.Collect(),
        };
        families.RemoveAll(f => f.Samples.Count == 0);
        families.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        PrometheusTextWriter.WriteFamilies(output, families, ExternalLabels.None);
    }
}
