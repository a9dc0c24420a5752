using FedFunctions.Core.Federation;
using FedFunctions.Core.Ingestion;
using FedFunctions.Core.Storage;
using FedFunctions.Functions.Monitoring;

namespace FedFunctions.Functions.Hosting;

/// <summary>
/// ScrapeRunner runs the scrape cycle for every trigger (the host's timer, the local scheduler,
/// <c>POST /-/scrape</c>), records the app's metrics and logs a summary line.
/// </summary>
public sealed class ScrapeRunner(ScrapeCycle cycle, SnapshotCache cache, AppMetrics metrics, ILogger<ScrapeRunner> logger)
{
    /// <summary>Runs one cycle; <paramref name="trigger"/> names who asked, for the log.</summary>
    /// <exception cref="SnapshotStoreException">Storage could not be read at all.</exception>
    public async Task<ScrapeCycleResult> RunAsync(string trigger, CancellationToken cancellationToken)
    {
        try
        {
            var result = await cycle.RunAsync(cancellationToken);
            cache.Invalidate(); // what this instance just stored is served at once
            metrics.Cycles.Inc(result.Succeeded ? "success" : "storage_error");
            metrics.CycleDuration.Observe(result.Duration.TotalSeconds);
            metrics.SnapshotsWritten.Inc(by: result.SnapshotsWritten);
            if (result.Succeeded) logger.LogInformation("{Trigger}: {Summary}", trigger, result);
            else logger.LogError("{Trigger}: {Summary}; first storage error: {Error}", trigger, result, result.StorageErrors[0]);
            return result;
        }
        catch (SnapshotStoreException ex)
        {
            metrics.Cycles.Inc("storage_error");
            logger.LogError("{Trigger}: {Error}", trigger, ex.Message);
            throw;
        }
    }

    /// <summary>
    /// Runs one cycle and says how it went instead of throwing for storage trouble: the one outcome that
    /// the timer function and <c>POST /-/scrape</c> both answer with.
    /// </summary>
    internal async Task<ScrapeOutcome> RunForOutcomeAsync(string trigger, CancellationToken cancellationToken)
    {
        try
        {
            var result = await RunAsync(trigger, cancellationToken);
            var summary = ScrapeSummary.From(result);
            return result.Succeeded ? new ScrapeOutcome(summary, null) : new ScrapeOutcome(summary, "storage failed: " + result.StorageErrors[0]);
        }
        catch (SnapshotStoreException ex)
        {
            return new ScrapeOutcome(null, ex.Message); // the message already says "storage unreachable: ..."
        }
    }
}
