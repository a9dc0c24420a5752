using FedFunctions.Core.Configuration;

namespace FedFunctions.Core.Tests.Configuration;

public sealed class PrometheusBytesTests
{
    public static TheoryData<string, long> Valid => new()
    {
        { "0", 0 },
        { "0B", 0 },
        { "1B", 1 },
        { "512KB", 512L << 10 },
        { "512KiB", 512L << 10 },
        { "10MB", 10L << 20 },
        { "10MiB", 10L << 20 },
        { "1GiB", 1L << 30 },
        { "1GB512MB", (1L << 30) + (512L << 20) },
        { "1.5GB", 3L << 29 },
        { "2TB", 2L << 40 },
        { "1EiB", 1L << 60 },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void ParsesBase2Units(string text, long expected)
    {
        Assert.True(PrometheusBytes.TryParse(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("1000")]
    [InlineData("10XB")]
    [InlineData("10mb")]
    [InlineData("-1MB")]
    [InlineData("MB")]
    [InlineData("1 MB")]
    [InlineData("16EiB")]
    [InlineData("1..5MB")]
    public void RejectsInvalidSizes(string? text)
    {
        Assert.False(PrometheusBytes.TryParse(text, out var bytes));
        Assert.Equal(0, bytes);
    }
}
