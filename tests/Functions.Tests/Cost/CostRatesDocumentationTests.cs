using System.Globalization;
using FedFunctions.Functions.Cost;
using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests.Cost;

/// <summary>docs/cost.md lists the rates <see cref="CostRates"/> holds (the one place they are kept), with their date and status.</summary>
public sealed class CostRatesDocumentationTests
{
    [Fact]
    public void EveryRateIsInTheDocsRatesTableWithItsPriceUnitAndStatus()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.RepoRoot, "docs", "cost.md"));
        Assert.Contains($"as of {CostRates.AsOf:yyyy-MM-dd}", doc);
        var rows = doc.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).ToList();
        foreach (var rate in CostRates.All)
        {
            var row = Assert.Single(rows, r => r.StartsWith($"| {rate.Name} |", StringComparison.Ordinal));
            Assert.Contains($"| ${rate.Usd.ToString("0.######", CultureInfo.InvariantCulture)} / {rate.UnitName} |", row);
            Assert.Equal(rate.Unconfirmed, row.Contains("UNCONFIRMED", StringComparison.Ordinal));
        }
        Assert.Contains(CostRates.FreeGbSeconds.ToString("#,0", CultureInfo.InvariantCulture) + " GB-s", doc);
        Assert.Contains(CostRates.FreeExecutions.ToString("#,0", CultureInfo.InvariantCulture) + " executions", doc);
    }
}
