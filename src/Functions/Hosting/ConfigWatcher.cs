using FedFunctions.Functions.Configuration;
using FedFunctions.Functions.Monitoring;

namespace FedFunctions.Functions.Hosting;

/// <summary>
/// ConfigWatcher checks the configuration source on the <c>ScrapeSchedule</c> in worker mode. The host runs
/// the timer on one instance at a time, and scrape runs reload there; the other instances serving
/// <c>/federate</c> pick up a change within one tick through this watcher, off the request path.
/// </summary>
internal sealed class ConfigWatcher(RunSchedule schedule, ConfigReloader reloader, TimeProvider time, ILogger<ConfigWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = schedule.Schedule.GetNextOccurrence(now);
            if (next is null) return;
            try
            {
                await Task.Delay(next.Value - now, time, stoppingToken);
                await reloader.ReloadAsync("watch", ScrapeRunner.MaxConfigCheck, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A background service that throws stops the whole host: log, go on.
                logger.ConfigWatchFailed(ex);
            }
        }
    }
}
