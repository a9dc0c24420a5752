using System.Diagnostics;
using FedFunctions.Core.Federation;
using FedFunctions.Core.Ingestion;
using FedFunctions.Core.Storage;
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
    ConfigReloader config, SnapshotCache cache, RunSchedule schedule, TimeProvider time,
    IHostApplicationLifetime lifetime, AppMetrics metrics, ILogger<ScrapeRunner> logger)
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
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopping = lifetime.ApplicationStopping.Register(() => stop.CancelAfter(StopGrace));
        try
        {
            var result = await RunOnCurrentConfigAsync(stop.Token);
            cache.Invalidate(); // what this instance just stored is served at once
            metrics.Cycles.Inc(result.Succeeded ? "success" : result.Interruption is not null ? "interrupted" : "storage_error");
            metrics.CycleDuration.Observe(result.Duration.TotalSeconds);
            metrics.SnapshotsWritten.Inc(by: result.SnapshotsWritten);
            if (result.Succeeded) logger.CycleSucceeded(trigger, result);
            else logger.CycleFailed(trigger, result, ErrorOf(result));
            return result;
        }
        catch (SnapshotStoreException ex)
        {
            metrics.Cycles.Inc("storage_error");
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
            var left = budget - waited.Elapsed;
            var cycle = config.Current.Cycle;
            return await cycle.RunAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1), stop).ConfigureAwait(false);
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
