using FedFunctions.Core.Federation;

namespace FedFunctions.Core.Tests.Federation;

public sealed class FederationBudgetTests
{
    [Theory]
    [InlineData("10", 9500)]
    [InlineData("2.5", 2000)]
    [InlineData(" 1e1 ", 9500)]
    [InlineData("0.3", 100)]
    public void ScrapeTimeoutHeader_LessTheMargin(string header, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), FederationBudget.FromScrapeTimeoutHeader(header));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ten")]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public void MissingOrInvalidHeader_LeavesTheDefaultBudget(string? header) =>
        Assert.Null(FederationBudget.FromScrapeTimeoutHeader(header));

    [Fact]
    public void TheMarginCanBeChosen() =>
        Assert.Equal(TimeSpan.FromSeconds(9), FederationBudget.FromScrapeTimeoutHeader("10", TimeSpan.FromSeconds(1)));
}
