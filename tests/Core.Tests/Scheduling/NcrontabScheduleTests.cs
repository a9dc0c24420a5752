using FedFunctions.Core.Configuration;
using FedFunctions.Core.Scheduling;

namespace FedFunctions.Core.Tests.Scheduling;

public sealed class NcrontabScheduleTests
{
    private static readonly DateTimeOffset Base = new(2026, 3, 14, 10, 20, 30, TimeSpan.Zero);

    public static TheoryData<string, DateTimeOffset, DateTimeOffset> Occurrences => new()
    {
        // Six fields: every minute at second 0.
        { "0 * * * * *", Base, new DateTimeOffset(2026, 3, 14, 10, 21, 0, TimeSpan.Zero) },
        // Every 15 seconds.
        { "*/15 * * * * *", Base, new DateTimeOffset(2026, 3, 14, 10, 20, 45, TimeSpan.Zero) },
        // Strictly after: an exact hit moves to the next one.
        { "*/15 * * * * *", new DateTimeOffset(2026, 3, 14, 10, 20, 45, TimeSpan.Zero), new DateTimeOffset(2026, 3, 14, 10, 21, 0, TimeSpan.Zero) },
        // Every five minutes.
        { "0 */5 * * * *", Base, new DateTimeOffset(2026, 3, 14, 10, 25, 0, TimeSpan.Zero) },
        // Five fields: classic cron, minutes.
        { "*/10 * * * *", Base, new DateTimeOffset(2026, 3, 14, 10, 30, 0, TimeSpan.Zero) },
        // Daily at 09:30 UTC, next day.
        { "0 30 9 * * *", Base, new DateTimeOffset(2026, 3, 15, 9, 30, 0, TimeSpan.Zero) },
        // Day of week: Mondays at midnight (2026-03-14 is a Saturday).
        { "0 0 0 * * MON", Base, new DateTimeOffset(2026, 3, 16, 0, 0, 0, TimeSpan.Zero) },
        // Input with an offset is evaluated in UTC (10:20:30+02:00 = 08:20:30Z).
        { "0 0 * * * *", new DateTimeOffset(2026, 3, 14, 10, 20, 30, TimeSpan.FromHours(2)), new DateTimeOffset(2026, 3, 14, 9, 0, 0, TimeSpan.Zero) },
        // Names are fine even when they contain letters that are special elsewhere (JUL, WED).
        { "0 0 0 1 JUL WED", Base, new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero) },
    };

    [Theory]
    [MemberData(nameof(Occurrences))]
    public void NextOccurrenceIsUtcAndStrictlyAfter(string expression, DateTimeOffset after, DateTimeOffset expected)
    {
        var next = NcrontabSchedule.Parse(expression).GetNextOccurrence(after);
        Assert.Equal(expected, next);
        Assert.Equal(TimeSpan.Zero, next!.Value.Offset);
    }

    [Theory]
    [InlineData("", "expected six NCRONTAB fields")]
    [InlineData("   ", "expected six NCRONTAB fields")]
    [InlineData("* * * *", "got 4")]
    [InlineData("0 0 * * * * *", "got 7")]
    [InlineData("61 * * * * *", "invalid schedule \"61 * * * * *\"")]
    [InlineData("0 * * * * FOO", "invalid schedule")]
    [InlineData("a b c d e f", "invalid schedule")]
    // Cronos runs these, the Functions host's NCRONTAB does not: refused so local and Azure agree.
    [InlineData("@hourly", "\"@\" is not NCRONTAB syntax")]
    [InlineData("0 0 12 L * *", "\"L\" is not NCRONTAB syntax")]
    [InlineData("0 0 12 15W * *", "\"W\" is not NCRONTAB syntax")]
    [InlineData("0 0 12 ? * MON#2", "\"?\" is not NCRONTAB syntax")]
    public void InvalidExpressionsGiveClearMessages(string expression, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => NcrontabSchedule.Parse(expression));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal("ScrapeSchedule", ex.Key);
    }

    [Fact]
    public void NoOccurrenceReturnsNull()
    {
        // February 30th never happens.
        Assert.Null(NcrontabSchedule.Parse("0 0 0 30 2 *").GetNextOccurrence(Base));
    }

    [Fact]
    public void KeepsExpressionText()
    {
        Assert.Equal("0 */1 * * * *", NcrontabSchedule.Parse(" 0 */1 * * * * ").Expression);
    }
}
