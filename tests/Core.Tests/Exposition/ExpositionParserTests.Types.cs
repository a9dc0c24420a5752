using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Tests.Exposition;

public partial class ExpositionParserTests
{
    public static TheoryData<ExpositionFormat, string, MetricType> TypeWords => new()
    {
        { ExpositionFormat.PrometheusText, "counter", MetricType.Counter },
        { ExpositionFormat.PrometheusText, "gauge", MetricType.Gauge },
        { ExpositionFormat.PrometheusText, "histogram", MetricType.Histogram },
        { ExpositionFormat.PrometheusText, "summary", MetricType.Summary },
        { ExpositionFormat.PrometheusText, "untyped", MetricType.Unknown },
        { ExpositionFormat.OpenMetrics, "counter", MetricType.Counter },
        { ExpositionFormat.OpenMetrics, "gauge", MetricType.Gauge },
        { ExpositionFormat.OpenMetrics, "histogram", MetricType.Histogram },
        { ExpositionFormat.OpenMetrics, "gaugehistogram", MetricType.GaugeHistogram },
        { ExpositionFormat.OpenMetrics, "summary", MetricType.Summary },
        { ExpositionFormat.OpenMetrics, "info", MetricType.Info },
        { ExpositionFormat.OpenMetrics, "stateset", MetricType.StateSet },
        { ExpositionFormat.OpenMetrics, "unknown", MetricType.Unknown },
    };

    [Theory]
    [MemberData(nameof(TypeWords))]
    public void TypeLine_MapsEachWordOfItsGrammar(ExpositionFormat format, string word, MetricType expected)
    {
        // Start from a different type so an unparsed word could not pass as Unknown.
        var seed = expected == MetricType.Gauge ? "counter" : "gauge";
        var body = $"# TYPE x {seed}\n# TYPE x {word}\n" + (format == ExpositionFormat.OpenMetrics ? "# EOF\n" : "");
        var doc = format == ExpositionFormat.OpenMetrics ? ParseOpenMetrics(body) : ParseText(body);
        Assert.Equal(expected, Assert.Single(doc.Metadata).Type);
    }

    public static TheoryData<string, string> OpenMetricsTimestampErrors => new()
    {
        // Timestamps share the value parser's checks and messages.
        { "a 1 1_0\n# EOF\n", "unsupported character in float while parsing: \"a 1 1_0\"" },
        { "a 1 0x1p3\n# EOF\n", "unsupported character in float" },
        { "a 1 1e400\n# EOF\n", "strconv.ParseFloat: parsing \"1e400\": value out of range" },
        { "a_total 1 # {id=\"x\"} 1 1.5.5\n# EOF\n", "strconv.ParseFloat: parsing \"1.5.5\": invalid syntax" },
    };

    [Theory]
    [MemberData(nameof(OpenMetricsTimestampErrors))]
    public void OpenMetrics_BadTimestamp_FailsLikeValues(string body, string expected)
    {
        var ex = Assert.Throws<ExpositionParseException>(() => ParseOpenMetrics(body));
        Assert.StartsWith("line 1: " + expected, ex.Message, StringComparison.Ordinal);
    }
}
