using FedFunctions.Functions.Hosting;
using FedFunctions.Functions.Monitoring;
using Microsoft.Azure.Functions.Worker;

namespace FedFunctions.Functions.Triggers;

/// <summary>
/// The <c>ScrapeTimer</c> function: one scrape cycle on the <c>ScrapeSchedule</c> NCRONTAB. A failed run
/// throws <see cref="ScrapeFailedException"/>, so the host records the invocation as failed; the timer
/// does not retry, the next occurrence runs as usual. Failing targets alone do not fail it.
/// </summary>
internal sealed class ScrapeTimerFunction(ScrapeRunner runner, ILogger<ScrapeTimerFunction> logger)
{
    [Function("ScrapeTimer")]
    public async Task RunAsync([TimerTrigger("%ScrapeSchedule%", UseMonitor = true)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (timer.IsPastDue) logger.TimerPastDue();
        var outcome = await runner.RunForOutcomeAsync("timer", cancellationToken);
        if (!outcome.Succeeded) throw new ScrapeFailedException(outcome.Error!);
    }
}

/// <summary>A scrape run failed as a whole (storage); the message says why.</summary>
internal sealed class ScrapeFailedException(string message) : Exception(message);
