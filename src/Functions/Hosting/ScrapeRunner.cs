using System.Diagnostics;
using FedFunctions.Core.Federation;
using FedFunctions.Core.Ingestion;
using FedFunctions.Core.Storage;
using FedFunctions.Core.Targets;
using FedFunctions.Functions.Configuration;
using FedFunctions.Functions.Monitoring;

namespace FedFunctions.Functions.Hosting;

/// <summary>
/// ScrapeRunner runs the scrape cycle for every trigger (the host's timer, the local scheduler,
/// <c>POST /-/scrape</c>) within its run budget (<see cref="RunSchedule.RunBudgetAt"/>), records the app's
/// metrics and logs a summary line. Each run first checks the configuration source and runs on the
/// configuration in force after that check (<see cref="ConfigReloader"/>); runs never overlap, across a
/// reload too. When the app stops, a run in progress gets <see cref="StopGrace"/> to finish; then it stops,
/// and targets not written by then keep their previous snapshot.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "SemaphoreSlim holds no unmanaged resource unless AvailableWaitHandle is used, which it is not.")]
public sealed class ScrapeRunner(
    ConfigReloader config, SnapshotCache cache, SnapshotStore store, RunSchedule schedule, TimeProvider time,
    IHostApplicationLifetime lifetime, Readiness readiness, AppMetrics metrics, ILogger<ScrapeRunner> logger)
{
    /// <summary>StopGrace (5 s) is how long a run in progress may go on once the app is stopping.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    /// <summary>MaxConfigCheck (5 s) bounds the configuration check before a run, and a quarter of the run budget does too.</summary>
    public static readonly TimeSpan MaxConfigCheck = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _oneRun = new(1, 1);

    /// <summary>
    /// Runs one cycle; <paramref name="trigger"/> names who asked, for the log. Returns normally when the run
    /// ran out of its budget or was stopped (<see cref="ScrapeCycleResult.Interruption"/> says which).
    /// </summary>
    /// <exception cref="SnapshotStoreException">Storage could not be read at all.</exception>
    public async Task<ScrapeCycleResult> RunAsync(string trigger, CancellationToken cancellationToken)
    {
        using var activity = Tracing.Source.StartActivity("scrape run");
        activity?.SetTag("fedfunctions.trigger", trigger);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopping = lifetime.ApplicationStopping.Register(() => stop.CancelAfter(StopGrace));
        try
        {
            var result = await RunOnCurrentConfigAsync(stop.Token);
            cache.Invalidate(); // what this instance just stored is served at once
            readiness.StorageReached();
            if (result.Interruption is null) await StoreTargetListAsync(result, stop.Token);
            metrics.Cycles.Inc(result.Succeeded ? "success" : result.Interruption is not null ? "interrupted" : "storage_error");
            metrics.CycleDuration.Observe(result.Duration.TotalSeconds);
            metrics.SnapshotsWritten.Inc(by: result.SnapshotsWritten);
            if (result.ShardsSent > 0) metrics.ShardMessages.Inc("sent", by: result.ShardsSent);
            if (activity is not null) Describe(activity, result);
            if (result.Succeeded) logger.CycleSucceeded(trigger, result);
            else logger.CycleFailed(trigger, result, ErrorOf(result));
            return result;
        }
        catch (SnapshotStoreException ex)
        {
            metrics.Cycles.Inc("storage_error");
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            logger.CycleStorageFailed(trigger, ex.Message);
            throw;
        }
    }

    private async Task<ScrapeCycleResult> RunOnCurrentConfigAsync(CancellationToken stop)
    {
        var started = time.GetUtcNow();
        var budget = schedule.RunBudgetAt(started);
        var waited = Stopwatch.StartNew();
        // The budget covers waiting for an earlier run, as the cycle's own wait does.
        var entered = false;
        try
        {
            entered = await _oneRun.WaitAsync(budget, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        if (!entered)
        {
            var why = stop.IsCancellationRequested ? "stopped" : $"ran out of time (budget {budget.TotalSeconds:0.###} s)";
            return EndedBeforeScraping(why + " while waiting for the previous run", waited.Elapsed);
        }
        try
        {
            // A changed configuration applies from this run on; a bad one is refused and logged, the last good one runs.
            var checkBudget = budget / 4 < MaxConfigCheck ? budget / 4 : MaxConfigCheck;
            try
            {
                await config.ReloadAsync("scrape run", checkBudget, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return EndedBeforeScraping("stopped while checking the configuration", waited.Elapsed);
            }
            // The cycle gets what is left of the budget, and reports running out of the whole of it.
            return await config.Current.Cycle.RunAsync(budget, waited.Elapsed, stop).ConfigureAwait(false);
        }
        finally
        {
            _oneRun.Release();
        }
    }

    private ScrapeCycleResult EndedBeforeScraping(string interruption, TimeSpan duration) => new()
    {
        TargetsSkipped = config.Current.Config.Targets().Count,
        Interruption = interruption,
        Duration = duration,
    };

    /// <summary>Tags the run's span with its counts (bounded: no per-target tags) and marks a failed run as an error.</summary>
    private static void Describe(Activity activity, ScrapeCycleResult result)
    {
        activity.SetTag("fedfunctions.targets_scraped", result.TargetsScraped);
        activity.SetTag("fedfunctions.targets_failed", result.TargetsFailed);
        activity.SetTag("fedfunctions.targets_not_due", result.TargetsNotDue);
        activity.SetTag("fedfunctions.snapshots_written", result.SnapshotsWritten);
        activity.SetTag("fedfunctions.series_written", result.SeriesWritten);
        if (!result.Succeeded) activity.SetStatus(ActivityStatusCode.Error, ErrorOf(result));
    }

    /// <summary>
    /// Stores the run's target list for the targets API and page (written only when it changed). Failing to store
    /// it does not fail the run: the snapshots are stored, and the next run writes the list again.
    /// </summary>
    private async Task StoreTargetListAsync(ScrapeCycleResult result, CancellationToken cancellationToken)
    {
        try
        {
            await store.PutTargetListAsync(TargetListCodec.Encode(TargetList.From(result)), cancellationToken);
        }
        catch (SnapshotStoreException ex)
        {
            logger.TargetListNotStored(ex.Message);
        }
        catch (ArgumentException ex)
        {
            logger.TargetListNotStored(ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the next run writes it.
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
            return new ScrapeOutcome(ScrapeSummary.From(result), result.Succeeded ? null : ErrorOf(result));
        }
        catch (SnapshotStoreException ex)
        {
            return new ScrapeOutcome(null, ex.Message); // the message already says "storage unreachable: ..."
        }
    }

    /// <summary>Why a run failed: its first storage error, else its interruption.</summary>
    private static string ErrorOf(ScrapeCycleResult result) =>
        result.StorageErrors.Count > 0
            ? "storage failed: " + result.StorageErrors[0]
            : $"scrape run {result.Interruption}: {result.TargetsSkipped} targets skipped, they keep their previous snapshot";
}
