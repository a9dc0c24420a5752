using System.Buffers;
using System.Text;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Tests.Exposition;

/// <summary>
/// The quoted-name syntax of Prometheus 3 (text 1.0.0 / OpenMetrics with UTF-8 names) in both readers:
/// Prometheus' own TestUTF8PromParse body, metadata with quoted names, and malformed forms.
/// </summary>
public partial class ExpositionParserTests
{
    // prometheus model/textparse/promparse_test.go TestUTF8PromParse.
    private const string Utf8PromBody =
        "# HELP \"go.gc_duration_seconds\" A summary of the GC invocation durations.\n" +
        "# \tTYPE \"go.gc_duration_seconds\" summary\n" +
        "{\"go.gc_duration_seconds\",quantile=\"0\"} 4.9351e-05\n" +
        "{\"go.gc_duration_seconds\",quantile=\"0.25\",} 7.424100000000001e-05\n" +
        "{\"go.gc_duration_seconds\",quantile=\"0.5\",a=\"b\"} 8.3835e-05\n" +
        "{\"go.gc_duration_seconds\",quantile=\"0.8\", a=\"b\"} 8.3835e-05\n" +
        "{\"go.gc_duration_seconds\", quantile=\"0.9\", a=\"b\"} 8.3835e-05\n" +
        "{\"go.gc_duration_seconds\", quantile=\"1.0\", a=\"b\" } 8.3835e-05\n" +
        "{ \"go.gc_duration_seconds\", quantile=\"1.0\", a=\"b\" } 8.3835e-05\n" +
        "{ \"go.gc_duration_seconds\", quantile= \"1.0\", a= \"b\", } 8.3835e-05\n" +
        "{ \"go.gc_duration_seconds\", quantile = \"1.0\", a = \"b\" } 8.3835e-05\n" +
        "{\"go.gc_duration_seconds_count\"} 99\n" +
        "{\"Heizölrückstoßabdämpfung 10€ metric with \\\"interesting\\\" {character\\nchoices}\",\"strange©™\\n'quoted' \\\"name\\\"\"=\"6\"} 10.0";

    [Fact]
    public void Text_QuotedNames_PrometheusUtf8Body()
    {
        var doc = ParseText(Utf8PromBody);
        // 11 lines; the last three quantile="1.0" lines are one series written three ways (kept as duplicates).
        Assert.Equal(8, doc.Samples.Count);
        Assert.Equal(3, doc.DuplicateSeries.Count);
        // Values are kept as written (Prometheus 3 would also re-render quantile="0" as "0.0"; not done here).
        Assert.Equal("{__name__=\"go.gc_duration_seconds\", quantile=\"0.0\"}", doc.Samples[0].Labels.ToString());
        Assert.Equal("{__name__=\"go.gc_duration_seconds\", a=\"b\", quantile=\"1.0\"}", doc.Samples[5].Labels.ToString());
        Assert.All(doc.DuplicateSeries, labels => Assert.Equal(doc.Samples[5].Labels, labels));
        Assert.Equal("go.gc_duration_seconds_count", doc.Samples[6].Labels.MetricName);
        Assert.Equal("Heizölrückstoßabdämpfung 10€ metric with \"interesting\" {character\nchoices}", doc.Samples[7].Labels.MetricName);
        Assert.Equal("6", doc.Samples[7].Labels.Get("strange©™\n'quoted' \"name\""));
        var meta = Assert.Single(doc.Metadata);
        Assert.Equal(new MetricMetadata("go.gc_duration_seconds", MetricType.Summary, "A summary of the GC invocation durations.", ""), meta);
    }

    [Fact]
    public void OpenMetrics_QuotedNames_InMetadataAndSamples()
    {
        var doc = ExpositionParser.Parse(Encoding.UTF8.GetBytes(
            "# TYPE \"http.server.duration\" gauge\n# HELP \"http.server.duration\" Time \\\"spent\\\".\n" +
            "{\"http.server.duration\",\"http.route\"=\"/a\"} 1.5\n# EOF\n"), ExpositionFormat.OpenMetrics);
        var sample = Assert.Single(doc.Samples);
        Assert.Equal("{__name__=\"http.server.duration\", \"http.route\"=\"/a\"}", sample.Labels.ToString());
        Assert.Equal(new MetricMetadata("http.server.duration", MetricType.Gauge, "Time \"spent\".", ""), Assert.Single(doc.Metadata));
    }

    public static TheoryData<string, string> QuotedNameErrors => new()
    {
        // From Prometheus' TestPromParseErrors (messages without the lexer's token kind).
        { "{\"a\", \"b = \"c\"}", "expected equal, got \"c" },
        { "{\"a\",b\\nc=\"d\"} 1", "expected equal, got \"\\\\" },
        // The name once only, and not empty.
        { "{\"a\",\"b\"} 1\n", "metric name already set" },
        { "a{\"b\"} 1\n", "metric name already set" },
        { "{\"\"} 1\n", "empty metric name" },
        { "{\"a\",\"\"=\"x\"} 1\n", "empty label name" },
        // Unterminated quoted names.
        { "{\"a} 1\n", "expected label name" },
        { "# TYPE \"a counter\n", "expected metric name after TYPE" },
        // A quoted name outside braces is not a sample.
        { "\"a\" 1\n", "expected a valid start token" },
        // After a quoted HELP/TYPE name comes one blank.
        { "# TYPE \"a\"counter\n", "expected text in TYPE" },
        { "# TYPE \"a.b\" countr\n", "invalid metric type \"countr\"" },
    };

    [Theory]
    [MemberData(nameof(QuotedNameErrors))]
    public void Text_QuotedNames_Malformed(string body, string expected)
    {
        var ex = Assert.Throws<ExpositionParseException>(() => ParseText(body));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"a\" \"b\"=\"c\"} 1\n# EOF\n", "expected equal")]
    [InlineData("{ \"a\"} 1\n# EOF\n", "expected label name")]
    [InlineData("{\"a\",\"a.b\"=\"c\"} 1\n", "data does not end with # EOF")]
    public void OpenMetrics_QuotedNames_Malformed(string body, string expected)
    {
        var ex = Assert.Throws<ExpositionParseException>(() => ExpositionParser.Parse(Encoding.UTF8.GetBytes(body), ExpositionFormat.OpenMetrics));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_QuotedNames_WhatTheWriterWritesReadsBackTheSame()
    {
        // allow-utf-8 output (quoted names only where needed) parses back to the same series and metadata.
        var family = new MetricFamily("a.b \"c\"", MetricType.Counter, "Help with \\ and \"quotes\".", "",
        [
            new Sample(Labels.Of("__name__", "a.b \"c\"", "x.y", "1", "plain", "2", "é", "3"), 4, 5),
            new Sample(Labels.Of("__name__", "a.b \"c\"", "x.y", "new\nline"), 6, 7),
        ]);
        var buffer = new ArrayBufferWriter<byte>();
        PrometheusTextWriter.WriteFamily(buffer, family, ExternalLabels.None, NameEscapingScheme.AllowUtf8);
        var doc = ExpositionParser.Parse(buffer.WrittenSpan, ExpositionFormat.PrometheusText);
        Assert.Equal(family.Samples, doc.Samples);
        Assert.Equal(new MetricMetadata(family.Name, MetricType.Counter, family.Help, ""), Assert.Single(doc.Metadata));
    }
}
