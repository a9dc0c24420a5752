namespace FedFunctions.Core.Scheduling;

/// <summary>
/// ScrapeDuePolicy decides on each timer tick which targets to scrape. Time is cut into slots of one
/// interval, aligned to the epoch (as NCRONTAB ticks are aligned to the clock): a target is due when it
/// was never scraped or was last scraped in an earlier slot. Measuring slots rather than the time since
/// the last scrape means a target scraped late in its tick (behind slow targets in the queue) is still
/// scraped on the next tick. Ticks jitter, so both times are shifted by a tolerance of 10% of the
/// interval, at most one second: a tick a hair early still counts, and a re-run just after a tick does not.
/// </summary>
internal static class ScrapeDuePolicy
{
    /// <summary>The largest tolerance applied, whatever the interval.</summary>
    public static readonly TimeSpan MaxTolerance = TimeSpan.FromSeconds(1);

    /// <summary>Tolerance is how early a scrape may still count as on time for <paramref name="interval"/>.</summary>
    public static TimeSpan Tolerance(TimeSpan interval)
    {
        var tenth = TimeSpan.FromTicks(interval.Ticks / 10);
        return tenth < MaxTolerance ? tenth : MaxTolerance;
    }

    /// <summary>IsDue is true when <paramref name="lastScrapeMs"/> is null or falls in an earlier interval slot than <paramref name="nowMs"/>.</summary>
    /// <param name="interval">The job's scrape interval.</param>
    /// <param name="lastScrapeMs">When the target was last scraped (ms since the epoch), or null if never.</param>
    /// <param name="nowMs">The tick's time in ms since the epoch.</param>
    public static bool IsDue(TimeSpan interval, long? lastScrapeMs, long nowMs)
    {
        if (lastScrapeMs is not { } last) return true;
        var intervalMs = Math.Max(1, (long)interval.TotalMilliseconds);
        var toleranceMs = (long)Tolerance(interval).TotalMilliseconds;
        return Slot(nowMs + toleranceMs, intervalMs) > Slot(last + toleranceMs, intervalMs);
    }

    // Floor division, so times before the epoch fall into the right slot too.
    private static long Slot(long ms, long intervalMs) => ms >= 0 ? ms / intervalMs : (ms - intervalMs + 1) / intervalMs;
}
