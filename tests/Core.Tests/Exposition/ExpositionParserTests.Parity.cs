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

    [Fact]
    public void OpenMetrics_ExemplarOnAGauge_IsRefused_OnACounterAccepted()
    {
        var ex = Assert.Throws<ExpositionParseException>(() => Om("# TYPE g gauge\ng 1 # {id=\"x\"} 1\n# EOF\n"));
        Assert.Contains("exemplars are not allowed on gauge samples", ex.Message);
        Assert.Single(Om("# TYPE c counter\nc_total 1 # {id=\"x\"} 1\n# EOF\n").Samples);
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
