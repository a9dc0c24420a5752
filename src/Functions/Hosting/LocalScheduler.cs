using FedFunctions.Core.Storage;
using FedFunctions.Functions.Monitoring;
using FedFunctions.Functions.Queue;
using FedFunctions.Functions.Settings;
using Microsoft.Extensions.Options;

namespace FedFunctions.Functions.Hosting;

/// <summary>
/// LocalScheduler fires the scrape cycle on the <c>ScrapeSchedule</c> NCRONTAB when the app runs outside
/// the Functions host (under the host, the timer trigger does this). Runs are awaited one after another,
/// so they never overlap; an occurrence missed while a run was still going is skipped, as the timer does.
/// When the app stops, a run in progress ends within <see cref="ScrapeRunner.StopGrace"/>. With
/// <c>Federation__LocalScheduler</c> false it schedules nothing: the process only scrapes shards (one scheduler, N workers).
/// </summary>
internal sealed class LocalScheduler(RunSchedule schedule, ScrapeRunner runner, TimeProvider time, IOptions<FederationOptions> options, ILogger<LocalScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.LocalScheduler)
        {
            logger.LocalSchedulerOff();
            return;
        }
        logger.LocalSchedulerStarted(schedule.Text);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = schedule.Schedule.GetNextOccurrence(now);
            if (next is null)
            {
                logger.LocalSchedulerExhausted(schedule.Text);
                return;
            }

            try
            {
                await Task.Delay(next.Value - now, time, stoppingToken);
                // Not stoppingToken: that is cancelled at once on stop, and the runner gives a run its grace period.
                await runner.RunAsync("schedule", CancellationToken.None);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (SnapshotStoreException)
            {
                // Already logged by the runner; the next occurrence tries again.
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A background service that throws stops the whole host (and /federate with it): log, go on.
                logger.LocalScrapeFailed(ex);
            }
        }
    }
}
