using FedFunctions.Core.Federation;
using FedFunctions.Core.Model;
using FedFunctions.Core.Selectors;

namespace FedFunctions.Core.Tests.Federation;

public sealed class FederationQueryTests
{
    private const long Now = 1_700_000_000_000;
    private static readonly TimeSpan Lookback = FederationQuery.DefaultLookback;

    private static Sample S(double value, long? ts, params string[] labels) => new(Labels.Of(labels), value, ts);

    private static IndexedSnapshot Snapshot(IReadOnlyList<Sample> samples, IReadOnlyList<MetricMetadata>? metadata = null, long scrapeMs = Now - 1000, bool up = true) =>
        new(new TargetSnapshot
        {
            TargetLabels = Labels.Of("job", "j", "instance", "i"),
            ScrapeTimestampMs = scrapeMs,
            Up = up,
            Metadata = metadata ?? [],
            Samples = samples,
        });

    private static IReadOnlyList<MetricFamily> Select(IEnumerable<IndexedSnapshot> snapshots, params string[] selectors) =>
        FederationQuery.Select(snapshots, SelectorParser.ParseMany(selectors), Now, Lookback);

    private static IEnumerable<Sample> All(IReadOnlyList<MetricFamily> families) => families.SelectMany(f => f.Samples);

    [Theory]
    [InlineData("a")]
    [InlineData("a{x=\"1\"}", "a{x=\"2\"}")]
    [InlineData("a{x!=\"1\"}", "b", "a{x=~\"[12]\"}")]
    [InlineData("{__name__=\"a\",__name__=\"b\"}", "c")]
    [InlineData("{__name__=\"a\",x=\"2\",__name__=\"a\"}", "b{y=\"\"}")]
    [InlineData("a{x=\"\"}", "c")]
    public void SelectorsThatAllNameAMetricSelectWhatAFullScanSelects(params string[] selectors)
    {
        // Every selector names its metric: samples are looked up by name and only the other matchers are tried.
        // The same selectors plus one that names nothing (and matches nothing) force a scan of every sample.
        var snapshots = new[]
        {
            Snapshot([S(1, Now, "__name__", "a", "x", "1"), S(2, Now, "__name__", "a", "x", "2"), S(3, Now, "__name__", "a"), S(4, Now, "__name__", "b", "y", "z"), S(5, Now, "__name__", "b")]),
            Snapshot([S(6, Now, "__name__", "a", "x", "3"), S(7, Now, "__name__", "c", "x", "1")]),
        };
        var byName = Select(snapshots, selectors);
        var scanned = Select(snapshots, [.. selectors, "{__name__=~\"never\"}"]);
        Assert.NotEmpty(All(scanned));
        Assert.Equal(All(scanned).Select(s => s.Labels.ToString() + "=" + s.Value), All(byName).Select(s => s.Labels.ToString() + "=" + s.Value));
    }

    [Fact]
    public void NoSelectorsSelectNothing()
    {
        var snapshot = Snapshot([S(1, Now, "__name__", "a")]);
        Assert.Empty(FederationQuery.Select([snapshot], [], Now, Lookback));
    }

    [Fact]
    public void OverlappingSelectorsReturnEachSeriesOnce()
    {
        var snapshot = Snapshot([S(1, Now, "__name__", "a", "x", "1"), S(2, Now, "__name__", "a", "x", "2"), S(3, Now, "__name__", "b")]);
        var families = Select([snapshot], "a", "{x=\"1\"}", "{__name__=~\"a|b\"}", "{x!=\"\"}");
        Assert.Equal(3, All(families).Count());
        Assert.Equal(["a", "b"], families.Select(f => f.Name));
    }

    [Fact]
    public void TheSameSeriesFromTwoSnapshotsKeepsTheNewestSample()
    {
        var older = Snapshot([S(1, Now - 5000, "__name__", "a")]);
        var newer = Snapshot([S(2, Now - 10, "__name__", "a")]);
        var sample = Assert.Single(All(Select([newer, older], "a")));
        Assert.Equal(2, sample.Value);
        Assert.Equal(Now - 10, sample.TimestampMs);
    }

    [Theory]
    [InlineData(0, true)]                // now
    [InlineData(-300_000, true)]         // exactly now - 5m: both ends are inclusive, as in federate.go
    [InlineData(-300_001, false)]        // just outside the window
    [InlineData(1, false)]               // in the future
    public void LookbackWindowIsInclusiveAtBothEnds(long offsetMs, bool returned)
    {
        var snapshot = Snapshot([S(7, Now + offsetMs, "__name__", "a")]);
        Assert.Equal(returned, All(Select([snapshot], "a")).Any());
    }

    [Fact]
    public void SamplesWithoutTimestampUseTheScrapeTime()
    {
        var snapshot = Snapshot([S(7, null, "__name__", "a")], scrapeMs: Now - 42);
        Assert.Equal(Now - 42, Assert.Single(All(Select([snapshot], "a"))).TimestampMs);
        var old = Snapshot([S(7, null, "__name__", "a")], scrapeMs: Now - 400_000);
        Assert.Empty(Select([old], "a"));
    }

    [Fact]
    public void StalenessMarkersAreDroppedButOrdinaryNaNIsKept()
    {
        var snapshot = Snapshot([S(StaleNaN.Value, Now, "__name__", "stale"), S(double.NaN, Now, "__name__", "nan")]);
        Assert.Equal(["nan"], All(Select([snapshot], "{__name__=~\".+\"}")).Select(s => s.Labels.MetricName));
    }

    [Fact]
    public void ADownTargetServesOnlyWhatItsSnapshotHolds()
    {
        // A failed scrape stores only the synthetic series: the old samples are simply not there any more.
        var down = Snapshot([S(0, Now, "__name__", "up", "job", "j"), S(0, Now, "__name__", "scrape_samples_scraped", "job", "j")], up: false);
        var families = Select([down], "{job=\"j\"}");
        Assert.Equal(["scrape_samples_scraped", "up"], families.Select(f => f.Name));
        Assert.Equal(0, Assert.Single(families.Single(f => f.Name == "up").Samples).Value);
    }

    [Fact]
    public void FamiliesAreSortedByNameAndSeriesByLabels()
    {
        var snapshot = Snapshot([
            S(1, Now, "__name__", "b", "x", "2"), S(1, Now, "__name__", "a"), S(1, Now, "__name__", "b", "x", "10"),
            S(1, Now, "__name__", "b", "w", "1"), S(1, Now, "__name__", "B")]);
        var families = Select([snapshot], "{__name__=~\".+\"}");
        Assert.Equal(["B", "a", "b"], families.Select(f => f.Name)); // bytewise, as Prometheus
        Assert.Equal(["{__name__=\"b\", w=\"1\"}", "{__name__=\"b\", x=\"10\"}", "{__name__=\"b\", x=\"2\"}"],
            families[2].Samples.Select(s => s.Labels.ToString()));
    }

    [Fact]
    public void HistogramsAndSummariesAreGroupedUnderTheirFamilyInClientOrder()
    {
        MetricMetadata[] metadata = [new("h", MetricType.Histogram, "a histogram", ""), new("s", MetricType.Summary, "a summary", "")];
        var snapshot = Snapshot([
            S(3, Now, "__name__", "h_count", "p", "b"), S(9, Now, "__name__", "h_sum", "p", "a"),
            S(2, Now, "__name__", "h_bucket", "p", "a", "le", "+Inf"), S(1, Now, "__name__", "h_bucket", "p", "a", "le", "10"),
            S(1, Now, "__name__", "h_bucket", "p", "a", "le", "2.5"), S(2, Now, "__name__", "h_count", "p", "a"),
            S(5, Now, "__name__", "s_sum"), S(4, Now, "__name__", "s", "quantile", "0.99"), S(3, Now, "__name__", "s", "quantile", "0.5"),
            S(2, Now, "__name__", "s_count")], metadata);
        var families = Select([snapshot], "{__name__=~\".+\"}");

        Assert.Equal(["h", "s"], families.Select(f => f.Name));
        Assert.Equal(MetricType.Histogram, families[0].Type);
        Assert.Equal("a histogram", families[0].Help);
        Assert.Equal(
            ["h_bucket{le=2.5,p=a}", "h_bucket{le=10,p=a}", "h_bucket{le=+Inf,p=a}", "h_sum{p=a}", "h_count{p=a}", "h_count{p=b}"],
            families[0].Samples.Select(Describe));
        Assert.Equal(["s{quantile=0.5}", "s{quantile=0.99}", "s_sum{}", "s_count{}"], families[1].Samples.Select(Describe));
    }

    [Fact]
    public void FamiliesWithoutMetadataAreUntypedAndConflictingTypesBecomeUntyped()
    {
        var a = Snapshot([S(1, Now, "__name__", "m", "t", "a")], [new("m", MetricType.Counter, "from a", "")]);
        var b = Snapshot([S(1, Now, "__name__", "m", "t", "b")], [new("m", MetricType.Gauge, "", "")]);
        var c = Snapshot([S(1, Now, "__name__", "plain")]);
        var families = Select([a, b, c], "{__name__=~\".+\"}");
        var m = families.Single(f => f.Name == "m");
        Assert.Equal(MetricType.Unknown, m.Type);
        Assert.Equal("from a", m.Help);
        Assert.Equal(2, m.Samples.Count);
        Assert.Equal(MetricType.Unknown, families.Single(f => f.Name == "plain").Type);
    }

    [Fact]
    public void TargetsDisagreeingOnMetadataNeverProduceTheSameSeriesTwice()
    {
        // Target a says x is a histogram; target b exposes the same x_bucket series without any TYPE.
        var a = Snapshot([S(1, Now - 10, "__name__", "x_bucket", "le", "1")], [new("x", MetricType.Histogram, "", "")]);
        var b = Snapshot([S(2, Now - 5, "__name__", "x_bucket", "le", "1"), S(3, Now, "__name__", "x_bucket", "le", "2")]);
        foreach (var order in new[] { new[] { a, b }, [b, a] })
        {
            // Whatever the order: the declared family wins over b's untyped fallback, and b has no say on its type.
            var family = Assert.Single(Select(order, "{__name__=~\"x.*\"}"));
            Assert.Equal("x", family.Name);
            Assert.Equal(MetricType.Histogram, family.Type);
            Assert.Equal([2.0, 3.0], family.Samples.Select(s => s.Value)); // le="1" once, the newest
        }
    }

    [Fact]
    public void SeriesThatCompareEqualApartFromTheirNameAreStillKeptApart()
    {
        // _sum and _gsum rank alike in a gauge histogram family; the order still tells them apart, so the
        // duplicate x_sum from two snapshots collapses to one line and x_gsum stays.
        MetricMetadata[] metadata = [new("x", MetricType.GaugeHistogram, "", "")];
        var a = Snapshot([S(1, Now - 10, "__name__", "x_sum", "a", "1"), S(2, Now, "__name__", "x_gsum", "a", "1")], metadata);
        var b = Snapshot([S(3, Now - 5, "__name__", "x_sum", "a", "1")], metadata);
        var family = Assert.Single(Select([a, b], "{a=\"1\"}"));
        Assert.Equal(["x_gsum", "x_sum"], family.Samples.Select(s => s.Labels.MetricName).Order(StringComparer.Ordinal));
        Assert.Equal(3, family.Samples.Single(s => s.Labels.MetricName == "x_sum").Value);
    }

    [Fact]
    public void OpenMetricsCounterFamiliesAreNamedAfterTheirTotalSeries()
    {
        var snapshot = Snapshot([S(5, Now, "__name__", "requests_total"), S(1, Now, "__name__", "requests_created")], [new("requests", MetricType.Counter, "reqs", "")]);
        var families = Select([snapshot], "{__name__=~\"requests.*\"}");
        var total = families.Single(f => f.Name == "requests_total");
        Assert.Equal(MetricType.Counter, total.Type);
        Assert.Equal("reqs", total.Help);
        Assert.Equal(MetricType.Unknown, families.Single(f => f.Name == "requests_created").Type);
    }

    [Fact]
    public void NameOnlySelectorsUseTheNameIndexAndStillApplyOtherMatchers()
    {
        var snapshot = Snapshot([S(1, Now, "__name__", "a", "x", "1"), S(2, Now, "__name__", "a", "x", "2"), S(3, Now, "__name__", "b", "x", "1")]);
        var families = Select([snapshot], "a{x=\"2\"}");
        Assert.Equal(2, Assert.Single(All(families)).Value);
    }

    private static string Describe(Sample sample) =>
        sample.Labels.MetricName + "{" + string.Join(",", sample.Labels.Where(l => l.Name != Label.MetricName).Select(l => $"{l.Name}={l.Value}")) + "}";
}
