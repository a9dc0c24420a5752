namespace FedFunctions.Core.Scheduling;

/// <summary>
/// ScrapeDuePolicy decides on each timer tick which jobs to scrape: a job is due when it was never scraped
/// or its interval has passed. Ticks jitter, so a tick that lands a hair before the interval still
/// counts: the tolerance is 10% of the interval, at most one second.
/// </summary>
public static class ScrapeDuePolicy
{
    /// <summary>The largest tolerance applied, whatever the interval.</summary>
    public static readonly TimeSpan MaxTolerance = TimeSpan.FromSeconds(1);

    /// <summary>Tolerance is how early a scrape may still count as on time for <paramref name="interval"/>.</summary>
    public static TimeSpan Tolerance(TimeSpan interval)
    {
        var tenth = TimeSpan.FromTicks(interval.Ticks / 10);
        return tenth < MaxTolerance ? tenth : MaxTolerance;
    }

    /// <summary>IsDue is true when <paramref name="lastScrapeMs"/> is null or at least the interval (less the tolerance) before <paramref name="nowMs"/>.</summary>
    /// <param name="interval">The job's scrape interval.</param>
    /// <param name="lastScrapeMs">When the job was last scraped (ms since the epoch), or null if never.</param>
    /// <param name="nowMs">The current time in ms since the epoch.</param>
    public static bool IsDue(TimeSpan interval, long? lastScrapeMs, long nowMs)
    {
        if (lastScrapeMs is not { } last) return true;
        var elapsedMs = nowMs - last;
        var requiredMs = (long)(interval - Tolerance(interval)).TotalMilliseconds;
        return elapsedMs >= requiredMs;
    }
}
