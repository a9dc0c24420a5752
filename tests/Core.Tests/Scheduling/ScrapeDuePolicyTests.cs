using FedFunctions.Core.Scheduling;

namespace FedFunctions.Core.Tests.Scheduling;

public sealed class ScrapeDuePolicyTests
{
    [Theory]
    // Never scraped: always due.
    [InlineData(60_000, null, 0, true)]
    // Exactly one interval later.
    [InlineData(60_000, 0L, 60_000, true)]
    // A tick landing 999 ms early still scrapes (tolerance capped at 1 s for a 1 m interval).
    [InlineData(60_000, 0L, 59_001, true)]
    [InlineData(60_000, 0L, 59_000, true)]
    [InlineData(60_000, 0L, 58_999, false)]
    // Half an interval: not due.
    [InlineData(60_000, 0L, 30_000, false)]
    // 5 s interval: tolerance 500 ms.
    [InlineData(5_000, 0L, 4_500, true)]
    [InlineData(5_000, 0L, 4_499, false)]
    // 15 s interval: tolerance still capped at 1 s; slots are [0, 15 s), [15 s, 30 s), ...
    [InlineData(15_000, 1_000L, 15_000, true)]
    [InlineData(15_000, 1_000L, 14_000, true)]
    [InlineData(15_000, 1_000L, 13_999, false)]
    // Scraped late in its tick (behind slow targets): still due at the next tick.
    [InlineData(15_000, 10_000L, 15_000, true)]
    // A re-run right after a tick that fired a hair early does not scrape again.
    [InlineData(60_000, 59_700L, 60_200, false)]
    // Long overdue.
    [InlineData(15_000, 0L, 3_600_000, true)]
    // Clock went backwards: not due.
    [InlineData(15_000, 10_000L, 5_000, false)]
    public void IsDueComparesIntervalSlots(long intervalMs, long? lastMs, long nowMs, bool expected)
    {
        Assert.Equal(expected, ScrapeDuePolicy.IsDue(TimeSpan.FromMilliseconds(intervalMs), lastMs, nowMs));
    }

    [Theory]
    [InlineData(1_000, 100)]
    [InlineData(5_000, 500)]
    [InlineData(10_000, 1_000)]
    [InlineData(3_600_000, 1_000)]
    public void ToleranceIsTenPercentCappedAtOneSecond(long intervalMs, long expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), ScrapeDuePolicy.Tolerance(TimeSpan.FromMilliseconds(intervalMs)));
    }

    [Fact]
    public void FifteenSecondTicksScrapeAMinuteJobOncePerMinute()
    {
        long? last = null;
        var scrapes = new List<long>();
        for (var now = 0L; now < 5 * 60_000; now += 15_000)
        {
            if (ScrapeDuePolicy.IsDue(TimeSpan.FromMinutes(1), last, now + 40)) { scrapes.Add(now); last = now + 40; }
        }
        Assert.Equal([0L, 60_000, 120_000, 180_000, 240_000], scrapes);
    }

    [Fact]
    public void MinuteTicksScrapeAMinuteJobEveryTick()
    {
        // Ticks every 60 s with up to 300 ms of jitter either way: every tick must scrape.
        long? last = null;
        var scrapes = 0;
        var jitter = new[] { 0, 300, -300, 120, -50, 299, -299, 0 };
        for (var i = 0; i < jitter.Length; i++)
        {
            var now = i * 60_000L + jitter[i];
            if (ScrapeDuePolicy.IsDue(TimeSpan.FromMinutes(1), last, now)) { scrapes++; last = now; }
        }
        Assert.Equal(jitter.Length, scrapes);
    }
}
