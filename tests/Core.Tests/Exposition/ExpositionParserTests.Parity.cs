using System.Text;
using FedFunctions.Core.Exposition;

namespace FedFunctions.Core.Tests.Exposition;

/// <summary>Where fed-functions was more lenient than Prometheus, or kept the wrong point: now as Prometheus.</summary>
public partial class ExpositionParserTests
{
    private static ExpositionDocument Om(string body) => ExpositionParser.Parse(Encoding.UTF8.GetBytes(body), ExpositionFormat.OpenMetrics);

    [Fact]
    public void OpenMetrics_TrailingCommaInLabelSet_IsRefused()
    {
        var ex = Assert.Throws<ExpositionParseException>(() => Om("a{b=\"c\",} 1\n# EOF\n"));
        Assert.Equal("line 1: expected label name, got \"}\" while parsing: \"a{b=\\\"c\\\",}\"", ex.Message);
    }

    [Theory]
    [InlineData("# TYPE g gauge\ng 1 # {id=\"x\"} 1\n# EOF\n", "g", 2)]
    [InlineData("# TYPE c counter\nc 1 # {id=\"x\"} 1\n# EOF\n", "c", 2)]
    [InlineData("# TYPE h histogram\nh_count 1 # {id=\"x\"} 1\n# EOF\n", "h_count", 2)]
    [InlineData("u 1 # {id=\"x\"} 1\n# EOF\n", "u", 1)]
    public void OpenMetrics_ExemplarOnASampleNotNamedTotalOrBucket_IsRefused(string body, string name, int line)
    {
        // Prometheus 2.42's rule: the sample's name must end in _total or _bucket, whatever the TYPE says.
        var ex = Assert.Throws<ExpositionParseException>(() => Om(body));
        Assert.StartsWith($"line {line}: metric name {name} does not support exemplars while parsing: ", ex.Message);
    }

    [Theory]
    [InlineData("# TYPE c counter\nc_total 1 # {id=\"x\"} 1\n# EOF\n")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 1 # {id=\"x\"} 1\n# EOF\n")]
    [InlineData("# TYPE g gaugehistogram\ng_bucket{le=\"1\"} 1 # {id=\"x\"} 1\n# EOF\n")]
    [InlineData("# TYPE g gauge\ng_total 1 # {id=\"x\"} 1\n# EOF\n")]
    public void OpenMetrics_ExemplarOnATotalOrBucketSample_IsAccepted(string body) => Assert.Single(Om(body).Samples);

    [Fact]
    public void OpenMetrics_UnitAfterALeadingUnderscore_IsASuffix()
    {
        Assert.Equal("seconds", Assert.Single(Om("# UNIT _seconds seconds\n_seconds 1\n# EOF\n").Metadata).Unit);
        Assert.Throws<ExpositionParseException>(() => Om("# UNIT seconds seconds\n# EOF\n"));
    }

    [Theory]
    [InlineData("1e16")]
    [InlineData("-1e300")]
    [InlineData("1e300")]
    public void OpenMetrics_TimestampBeyondInt64_IsKeptAsTheOldestTime(string seconds)
    {
        // Go's int64() on amd64 gives MinInt64 there: Prometheus keeps the scrape and drops the (far too old) point.
        var doc = Om($"a 1 {seconds}\nb 2\n# EOF\n");
        Assert.Equal(long.MinValue, doc.Samples[0].TimestampMs);
        Assert.Null(doc.Samples[1].TimestampMs);
    }

    [Fact]
    public void OpenMetrics_APointWithoutTimestamp_ReplacesAnEarlierTimestampedOne()
    {
        // Without a timestamp the point is at scrape time, later than any explicit one: Prometheus serves it.
        var a = Assert.Single(Om("a 1 100\na 2\n# EOF\n").Samples);
        Assert.Equal(2, a.Value);
        Assert.Null(a.TimestampMs);

        // Two points without timestamps: the first stays (Prometheus drops the repeat), and a later explicit one does not replace it.
        Assert.Equal(1, Assert.Single(Om("a 1\na 2\n# EOF\n").Samples).Value);
        Assert.Equal(1, Assert.Single(Om("a 1\na 2 100\n# EOF\n").Samples).Value);
    }

    [Fact]
    public void OpenMetrics_TwoPointsOfOneSeries_TheLaterIsKept()
    {
        var doc = Om("# TYPE a gauge\na 1 100\nb 5\na 2 200\na 3 150\n# EOF\n");
        var a = Assert.Single(doc.Samples, s => s.Labels.MetricName == "a");
        Assert.Equal(2, a.Value);
        Assert.Equal(200_000, a.TimestampMs);
        Assert.Equal(2, doc.DuplicateSeries.Count);
    }

    [Fact]
    public void OpenMetrics_LeAndQuantile_AreNormalisedLikeText()
    {
        var doc = Om("# TYPE h histogram\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"10\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 1\n# EOF\n");
        Assert.Equal(["0.5", "10.0", "+Inf", "", ""], doc.Samples.Select(s => s.Labels.Get("le")));
    }
}
