using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Tests.Exposition;

public partial class ExpositionParserTests
{
    private const string OpenMetricsBody =
        "# HELP go_gc_duration_seconds A summary of the GC invocation durations.\n" +
        "# TYPE go_gc_duration_seconds summary\n" +
        "# UNIT go_gc_duration_seconds seconds\n" +
        "go_gc_duration_seconds{quantile=\"0\"} 4.9351e-05\n" +
        "go_gc_duration_seconds{quantile=\"0.5\",a=\"b\"} 8.3835e-05\n" +
        "go_gc_duration_seconds_count 99\n" +
        "# HELP nohelp1 \n" +
        "# HELP help2 escape \\ \\n \\\\ \\\" \\x chars\n" +
        "# TYPE requests counter\n" +
        "requests_total{path=\"/\"} 7 1700000000.5 # {trace_id=\"abc\"} 1 1700000000.123\n" +
        "requests_created{path=\"/\"} 1.6e9\n" +
        "# TYPE hh histogram\n" +
        "hh_bucket{le=\"+Inf\"} 1 # {id=\"histogram-bucket-test\"} 4\n" +
        "# TYPE gh gaugehistogram\n" +
        "gh_bucket{le=\"+Inf\"} 1\n" +
        "# TYPE build info\n" +
        "build_info{version=\"1.0\"} 1\n" +
        "# TYPE state stateset\n" +
        "state{state=\"a\"} 1\n" +
        "# TYPE other unknown\n" +
        "other{} NaN 123\n" +
        "# EOF\n";

    [Fact]
    public void OpenMetrics_ParsesSamples()
    {
        var doc = ParseOpenMetrics(OpenMetricsBody);
        Assert.Equal(ExpositionFormat.OpenMetrics, doc.Format);
        Assert.Equal(
            [
                "go_gc_duration_seconds", "go_gc_duration_seconds", "go_gc_duration_seconds_count", "requests_total",
                "requests_created", "hh_bucket", "gh_bucket", "build_info", "state", "other",
            ],
            doc.Samples.Select(s => s.Labels.MetricName));
        var total = doc.Samples[3];
        Assert.Equal("{__name__=\"requests_total\", path=\"/\"}", total.Labels.ToString()); // exemplar dropped
        Assert.Equal(7, total.Value);
        Assert.Equal(1700000000500, total.TimestampMs);
        Assert.Equal(1.6e9, doc.Samples[4].Value);
        Assert.Null(doc.Samples[4].TimestampMs);
        Assert.Equal(StaleNaN.NormalBits, BitConverter.DoubleToUInt64Bits(doc.Samples[9].Value));
        Assert.Equal(123000, doc.Samples[9].TimestampMs);
    }

    [Fact]
    public void OpenMetrics_ParsesMetadata()
    {
        Assert.Equal(
            [
                new MetricMetadata("go_gc_duration_seconds", MetricType.Summary, "A summary of the GC invocation durations.", "seconds"),
                new MetricMetadata("nohelp1", MetricType.Unknown, "", ""),
                new MetricMetadata("help2", MetricType.Unknown, "escape \\ \n \\ \" \\x chars", ""),
                new MetricMetadata("requests", MetricType.Counter, "", ""),
                new MetricMetadata("hh", MetricType.Histogram, "", ""),
                new MetricMetadata("gh", MetricType.GaugeHistogram, "", ""),
                new MetricMetadata("build", MetricType.Info, "", ""),
                new MetricMetadata("state", MetricType.StateSet, "", ""),
                new MetricMetadata("other", MetricType.Unknown, "", ""),
            ],
            ParseOpenMetrics(OpenMetricsBody).Metadata);
    }

    public static TheoryData<string, long> OpenMetricsTimestamps => new()
    {
        { "a 1 1\n# EOF\n", 1000 },
        { "a 1 1.5\n# EOF\n", 1500 },
        { "a 1 123.123\n# EOF\n", 123123 },
        { "a 1 1700000000.0009\n# EOF\n", 1700000000000 },
        { "a 1 -1.5\n# EOF\n", -1500 },
        { "a 1 1e3\n# EOF\n", 1000000 },
        { "a 1 0\n# EOF", 0 },
    };

    [Theory]
    [MemberData(nameof(OpenMetricsTimestamps))]
    public void OpenMetrics_Timestamps_AreSecondsTruncatedToMillis(string body, long expected)
    {
        Assert.Equal(expected, Single(ParseOpenMetrics(body)).TimestampMs);
    }

    [Theory]
    [InlineData("# EOF")]
    [InlineData("# EOF\n")]
    public void OpenMetrics_EofOnly_IsEmpty(string body)
    {
        Assert.Empty(ParseOpenMetrics(body).Samples);
    }

    [Theory]
    [InlineData("a{b=\"x\\\\y\\\"z\\nw\\t\"} 1\n# EOF\n", "{__name__=\"a\", b=\"x\\\\y\\\"z\\nw\\\\t\"}")]
    [InlineData("{\"my.metric\",\"a.b\"=\"v\"} 1\n# EOF\n", "{__name__=\"my.metric\", \"a.b\"=\"v\"}")]
    [InlineData("a_total 1 # {} 2\n# EOF\n", "{__name__=\"a_total\"}")]
    [InlineData("a_bucket 1 # {a=\"b\",c=\"d\"} 2 3\n# EOF\n", "{__name__=\"a_bucket\"}")]
    public void OpenMetrics_LabelSets(string body, string expected)
    {
        Assert.Equal(expected, Single(ParseOpenMetrics(body)).Labels.ToString());
    }

    [Fact]
    public void OpenMetrics_DuplicateSeries_AreReported()
    {
        var doc = ParseOpenMetrics("a 1\na 2\n# EOF\n");
        Assert.Equal(1, Single(doc).Value);
        Assert.Equal("{__name__=\"a\"}", Assert.Single(doc.DuplicateSeries).ToString());
    }

    [Fact]
    public void OpenMetricsCounterSamplesKeepTheirTotalAndCreatedNames()
    {
        // Like Prometheus 2.42 (our oracle), a counter's samples are kept as named; no suffix is enforced,
        // so a sloppy exporter's "# TYPE x_total counter" is read as Prometheus reads it.
        var doc = ParseOpenMetrics("# TYPE requests counter\nrequests_total 5\nrequests_created 1.5e9\n# TYPE other_total counter\nother_total 2\n# EOF\n");
        Assert.Equal(["requests_total", "requests_created", "other_total"], doc.Samples.Select(s => s.Labels.MetricName));
        Assert.Equal(MetricType.Counter, doc.Metadata.Single(m => m.Name == "requests").Type);
    }

    public static TheoryData<string, int, string> OpenMetricsErrors => new()
    {
        { "", 1, "data does not end with # EOF" },
        { "a 1\n", 2, "data does not end with # EOF" },
        { "a 1", 1, "data does not end with # EOF" },
        { "# TYPE a gauge\n", 2, "data does not end with # EOF" },
        { "# TYPE a gauge", 1, "data does not end with # EOF" },
        { "a 1\n# EOF\nb 1\n", 3, "unexpected data after # EOF" },
        { "# EOF\n\n", 2, "unexpected data after # EOF" },
        { "# EOF \n", 1, "expected a valid start token" },
        { "\n# EOF\n", 1, "expected a valid start token, got \"\\n\"" },
        { " a 1\n# EOF\n", 1, "expected a valid start token" },
        { "# a comment\n# EOF\n", 1, "expected a valid start token" },
        { "#EOF\n", 1, "expected a valid start token" },
        { "a  1\n# EOF\n", 1, "expected value after metric, got \" \"" },
        { "a\t1\n# EOF\n", 1, "expected value after metric, got \"\\t\"" },
        { "a 1 \n# EOF\n", 1, "expected timestamp or new record" },
        { "a 1 1 1\n# EOF\n", 1, "expected next entry after timestamp" },
        { "a {b=\"c\"} 1\n# EOF\n", 1, "invalid syntax" },
        { "a{b=\"c\", d=\"e\"} 1\n# EOF\n", 1, "expected label name, got \" \"" },
        { "a{b=\"c\" d=\"e\"} 1\n# EOF\n", 1, "expected comma or brace close, got \" \"" },
        { "a{b=\"c\"d=\"e\"} 1\n# EOF\n", 1, "expected comma or brace close, got \"d\"" },
        { "a{b = \"c\"} 1\n# EOF\n", 1, "expected equal, got \" \"" },
        { "a{b=\"x\ny\"} 1\n# EOF\n", 1, "expected label value" },
        { "a 1_0\n# EOF\n", 1, "unsupported character in float" },
        { "a 1 NaN\n# EOF\n", 1, "invalid timestamp \"NaN\"" },
        { "a 1 +Inf\n# EOF\n", 1, "invalid timestamp \"+Inf\"" },
        { "a 1 x\n# EOF\n", 1, "strconv.ParseFloat: parsing \"x\": invalid syntax" },
        { "a_total 1 # {id=\"x\"}\n# EOF\n", 1, "expected value after exemplar labels" },
        { "a_total 1 # {\"x\"} 1\n# EOF\n", 1, "metric name in exemplar labels" },
        { "a 1 #{id=\"x\"} 1\n# EOF\n", 1, "strconv.ParseFloat: parsing \"#{id=\\\"x\\\"}\": invalid syntax" },
        { "# TYPE a untyped\n# EOF\n", 1, "invalid metric type \"untyped\"" },
        { "# TYPE a  gauge\n# EOF\n", 1, "invalid metric type \" gauge\"" },
        { "# TYPE a\n# EOF\n", 1, "expected text in TYPE, got \"\\n\"" },
        { "# HELP a\n# EOF\n", 1, "expected text in HELP" },
        { "# UNIT a_seconds bytes\n# EOF\n", 1, "unit \"bytes\" not a suffix of metric \"a_seconds\"" },
        { "# UNIT seconds seconds\n# EOF\n", 1, "unit \"seconds\" not a suffix of metric \"seconds\"" },
        { "# UNIT aseconds seconds\n# EOF\n", 1, "not a suffix" },
        { "# TYPE #\n# EOF\n", 1, "expected metric name after TYPE, got \"#\"" },
        { "# HELP foo.bar Some text\n# EOF\n", 1, "expected text in HELP, got \".\" while parsing: \"# HELP foo.\"" },
        { "# TYPE foo.bar counter\n# EOF\n", 1, "expected text in TYPE, got \".\"" },
        { "# UNIT foo.bar x\n# EOF\n", 1, "expected text in UNIT, got \".\"" },
        { "# HELP \"a\"x text\n# EOF\n", 1, "expected text in HELP, got \"x\"" },
        { "a{b=\"1\",b=\"2\"} 1\n# EOF\n", 1, "duplicate label name \"b\"" },
        { "{b=\"1\"} 1\n# EOF\n", 1, "metric name not set" },
        { "a 1\nb 2\nc\n# EOF\n", 3, "expected value after metric" },
    };

    [Theory]
    [MemberData(nameof(OpenMetricsErrors))]
    public void OpenMetrics_MalformedInput_FailsWithLineAndReason(string body, int line, string expected)
    {
        var ex = Assert.Throws<ExpositionParseException>(() => ParseOpenMetrics(body));
        Assert.Equal(line, ex.LineNumber);
        Assert.StartsWith($"line {line}: ", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void OpenMetrics_EmptyUnit_IsAllowed()
    {
        var meta = Assert.Single(ParseOpenMetrics("# UNIT nounit \n# EOF\n").Metadata);
        Assert.Equal(new MetricMetadata("nounit", MetricType.Unknown, "", ""), meta);
    }
}
