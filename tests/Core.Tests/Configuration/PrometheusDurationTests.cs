using FedFunctions.Core.Configuration;

namespace FedFunctions.Core.Tests.Configuration;

public sealed class PrometheusDurationTests
{
    public static TheoryData<string, long> Valid => new()
    {
        { "0", 0 },
        { "15s", 15_000 },
        { "500ms", 500 },
        { "1m", 60_000 },
        { "1h30m", 5_400_000 },
        { "1d", 86_400_000 },
        { "1w", 604_800_000 },
        { "1y", 31_536_000_000 },
        { "1h1m1s1ms", 3_661_001 },
        { "90s", 90_000 },
        { "0s", 0 },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void ParsesPrometheusSyntax(string text, long expectedMs)
    {
        Assert.True(PrometheusDuration.TryParse(text, out var duration));
        Assert.Equal(expectedMs, (long)duration.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.5s")]
    [InlineData("-1s")]
    [InlineData("15")]
    [InlineData("s")]
    [InlineData("30s1m")]
    [InlineData("1m1m")]
    [InlineData("1 m")]
    [InlineData("15S")]
    [InlineData("10x")]
    [InlineData("1us")]
    [InlineData("99999999999999999999y")]
    public void RejectsInvalid(string text)
    {
        Assert.False(PrometheusDuration.TryParse(text, out _));
        Assert.Throws<FormatException>(() => PrometheusDuration.Parse(text));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(15_000, "15s")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(500, "500ms")]
    [InlineData(86_400_000, "1d")]
    public void FormatsLikePrometheus(long ms, string expected)
    {
        Assert.Equal(expected, PrometheusDuration.Format(TimeSpan.FromMilliseconds(ms)));
        Assert.Equal(ms, (long)PrometheusDuration.Parse(expected).TotalMilliseconds);
    }
}
