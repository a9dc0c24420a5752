using FedFunctions.Functions.Cost;

namespace FedFunctions.Functions.Tests.Cost;

/// <summary>The extrapolation arithmetic of <see cref="CostModel"/>: counts over a window scaled to a month and priced at <see cref="CostRates"/>.</summary>
public sealed class CostModelTests
{
    private static CostMeasurement Measurement(double timerExecutions = 4, double federateExecutions = 4) => new()
    {
        Window = TimeSpan.FromSeconds(60),
        Targets = 200,
        RunSeconds = [0.3, 1.24, 2.0, 0.05],
        FederateSeconds = [0.2, 0.2, 0.2, 1.05],
        RunStorage = new Dictionary<string, double>
        {
            ["table/update"] = 800, ["table/query"] = 4, ["blob/put"] = 10, ["blob/delete"] = 10, ["blob/conditional_get"] = 4,
            ["queue/send"] = 8, ["queue/receive"] = 10, ["queue/delete"] = 8,
        },
        FederateStorage = new Dictionary<string, double> { ["table/query"] = 4, ["table/get"] = 800, ["blob/get"] = 10 },
        ShardMessages = 8,
        ShardSeconds = [0.4, 0.4, 1.25, 0.9, 0.3, 0.3, 0.3, 2.0],
        TimerExecutions = timerExecutions,
        FederateExecutions = federateExecutions,
        StoredBytes = new Dictionary<string, double> { ["table"] = 2 * CostModel.BytesPerGb, ["blob"] = 0.5 * CostModel.BytesPerGb },
    };

    private static CostLine Line(CostEstimate estimate, string startsWith) => Assert.Single(estimate.Lines, l => l.Item.StartsWith(startsWith, StringComparison.Ordinal));

    [Fact]
    public void CountsInTheWindowAreScaledToA30DayMonthAndPricedByClass()
    {
        var estimate = CostModel.Estimate(Measurement(), instanceMemoryMb: 2048);
        const double scale = 30 * 24 * 3600 / 60.0; // 43,200 windows of a minute
        Assert.Equal(scale, estimate.Scale, 6);

        var table = Line(estimate, "table transactions");
        Assert.Equal((800 + 4 + 4 + 800) * scale, table.Quantity, 3);
        Assert.Equal(table.Quantity / 10_000 * CostRates.TableTransactions.Usd, table.Usd, 9);
        // put is a write; delete, conditional get and get are read-class; queue requests are neither table nor blob.
        Assert.Equal(10 * scale, Line(estimate, "blob write").Quantity, 3);
        Assert.Equal((10 + 4 + 10) * scale, Line(estimate, "blob read").Quantity, 3);
        Assert.Equal(26 * scale, Line(estimate, "queue").Quantity, 3);
        Assert.Equal(26 * scale / 10_000 * CostRates.QueueOperations.Usd, Line(estimate, "queue").Usd, 9);
        Assert.Equal(2, Line(estimate, "table data").Quantity, 9);
        Assert.Equal(2 * CostRates.TableData.Usd, Line(estimate, "table data").Usd, 9);
    }

    [Fact]
    public void ExecutionsAndGbSecondsAreNetOfTheFreeGrantsWithTheOneSecondMinimum()
    {
        var estimate = CostModel.Estimate(Measurement(), instanceMemoryMb: 2048);
        const double scale = 43_200;
        var executions = Line(estimate, "executions");
        Assert.Equal((4 + 4 + 8) * scale, executions.Quantity, 3);
        Assert.Equal(CostRates.FreeExecutions, executions.Free);
        Assert.Equal(((4 + 4 + 8) * scale - CostRates.FreeExecutions) / 1_000_000 * CostRates.Executions.Usd, executions.Usd, 9);

        // Billed: runs 1 + 1.3 + 2.0 + 1, reads 1 + 1 + 1 + 1.1, and each ScrapeShard execution on its own:
        // 1 + 1 + 1.3 + 1 + 1 + 1 + 1 + 2.0 seconds, at 2 GB.
        var gbSeconds = Line(estimate, "execution time");
        Assert.Equal((5.3 + 4.1 + 9.3) * 2 * scale, gbSeconds.Quantity, 3);
        Assert.Equal(((5.3 + 4.1 + 9.3) * 2 * scale - CostRates.FreeGbSeconds) * CostRates.ExecutionTime.Usd, gbSeconds.Usd, 9);

        // Half the memory, half the GB-seconds.
        var small = Line(CostModel.Estimate(Measurement(), instanceMemoryMb: 512), "execution time");
        Assert.Equal(gbSeconds.Quantity / 4, small.Quantity, 3);
        Assert.Equal(estimate.Lines.Sum(l => l.Usd), estimate.TotalUsd, 9);
        Assert.True(estimate.TotalWithoutGrantsUsd > estimate.TotalUsd);
    }

    [Fact]
    public void UsageUnderTheGrantsCostsNothingForCompute()
    {
        var idle = Measurement() with { Window = TimeSpan.FromHours(1), RunSeconds = [0.1], FederateSeconds = [], ShardSeconds = [], TimerExecutions = 1, FederateExecutions = 0, ShardMessages = 0 };
        var estimate = CostModel.Estimate(idle, instanceMemoryMb: 512);
        Assert.Equal(720, Line(estimate, "executions").Quantity, 6);
        Assert.Equal(0, Line(estimate, "executions").Usd);
        Assert.Equal(720 * 0.5, Line(estimate, "execution time").Quantity, 6);
        Assert.Equal(0, Line(estimate, "execution time").Usd);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.999, 1.0)]
    [InlineData(1.0, 1.0)]
    [InlineData(1.01, 1.1)]
    [InlineData(1.1, 1.1)]
    [InlineData(2.34, 2.4)]
    public void AnExecutionBillsAtLeastASecondThenIn100MsSteps(double seconds, double billed) =>
        Assert.Equal(billed, CostModel.BilledSeconds(seconds), 9);
}
