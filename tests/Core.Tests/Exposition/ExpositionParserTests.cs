using System.Text;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Tests.Exposition;

public partial class ExpositionParserTests
{
    private static ExpositionDocument ParseText(string body) => ExpositionParser.Parse(Encoding.UTF8.GetBytes(body), ExpositionFormat.PrometheusText);

    private static ExpositionDocument ParseOpenMetrics(string body) => ExpositionParser.Parse(Encoding.UTF8.GetBytes(body), ExpositionFormat.OpenMetrics);

    private static Sample Single(ExpositionDocument doc) => Assert.Single(doc.Samples);

    public static TheoryData<string?, ExpositionFormat?> ContentTypes => new()
    {
        { null, ExpositionFormat.PrometheusText },
        { "", ExpositionFormat.PrometheusText },
        { "  ", ExpositionFormat.PrometheusText },
        { "text/plain", ExpositionFormat.PrometheusText },
        { "text/plain; version=0.0.4; charset=utf-8", ExpositionFormat.PrometheusText },
        { "Text/Plain;version=1.0.0", ExpositionFormat.PrometheusText },
        { "application/openmetrics-text; version=1.0.0; charset=utf-8", ExpositionFormat.OpenMetrics },
        { "application/openmetrics-text", ExpositionFormat.OpenMetrics },
        { "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited", ExpositionFormat.PrometheusProtobuf },
        { "application/json", null },
        { "text/html", null },
    };

    [Theory]
    [MemberData(nameof(ContentTypes))]
    public void FormatFromContentType_ChoosesByMediaType(string? contentType, ExpositionFormat? expected)
    {
        Assert.Equal(expected, ExpositionParser.FormatFromContentType(contentType));
    }

    [Fact]
    public void Parse_ByContentType_UsesTheNamedFormat()
    {
        var body = "a_total 1 1.5\n# EOF\n"u8.ToArray();
        var doc = ExpositionParser.Parse(body, "application/openmetrics-text; version=1.0.0");
        Assert.Equal(ExpositionFormat.OpenMetrics, doc.Format);
        Assert.Equal(1500, Single(doc).TimestampMs);

        var text = ExpositionParser.Parse("a 1 1500\n"u8, (string?)null);
        Assert.Equal(ExpositionFormat.PrometheusText, text.Format);
        Assert.Equal(1500, Single(text).TimestampMs);
    }

    [Fact]
    public void Parse_UnsupportedContentType_Throws()
    {
        var ex = Assert.Throws<ExpositionParseException>(() => ExpositionParser.Parse("a 1\n"u8, "application/json"));
        Assert.StartsWith("unsupported Content-Type", ex.Message);
        Assert.Equal(0, ex.LineNumber);
    }

    [Fact]
    public void Parse_UndefinedFormat_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpositionParser.Parse("a 1\n"u8, (ExpositionFormat)42));
    }

    [Fact]
    public void Parse_EmptyBody_IsAnEmptyDocument()
    {
        var doc = ParseText("");
        Assert.Empty(doc.Samples);
        Assert.Empty(doc.Metadata);
        Assert.Empty(doc.DuplicateSeries);
    }

    [Fact]
    public void Parse_RecordsLabelsWrittenWithAnEmptyValue()
    {
        var doc = ParseText("a{x=\"1\"} 1\nb{instance=\"\",job=\"j\",z=\"\"} 2\nc 3\n");
        Assert.Equal(Labels.Of("__name__", "b", "job", "j"), doc.Samples[1].Labels);
        Assert.Equal([1], doc.ExplicitlyEmptyLabels.Keys);
        Assert.Equal(["instance", "z"], doc.ExplicitlyEmptyLabels[1].Order(StringComparer.Ordinal));
    }

    public static TheoryData<string, string> TextLabelSets => new()
    {
        // body, expected labels (Labels.ToString form)
        { "a 1\n", "{__name__=\"a\"}" },
        { "a{} 1\n", "{__name__=\"a\"}" },
        { "a{b=\"c\"} 1\n", "{__name__=\"a\", b=\"c\"}" },
        { "a{b=\"c\",} 1\n", "{__name__=\"a\", b=\"c\"}" },
        { "a{z=\"1\",b=\"2\",m=\"3\"} 1\n", "{__name__=\"a\", b=\"2\", m=\"3\", z=\"1\"}" },
        { "  a \t{ b = \"c\" ,\td=\"e\" , }  1  \n", "{__name__=\"a\", b=\"c\", d=\"e\"}" },
        { "a{ quantile = \"2.0\" b = \"c\" } 1\n", "{__name__=\"a\", b=\"c\", quantile=\"2.0\"}" },
        { "a{b=\"c\"d=\"e\"} 1\n", "{__name__=\"a\", b=\"c\", d=\"e\"}" },
        { "a{b=\"\"} 1\n", "{__name__=\"a\"}" },
        { "a{b=\"\",c=\"d\"} 1\n", "{__name__=\"a\", c=\"d\"}" },
        { "a:b:c_d{_x=\"1\",Y9=\"2\"} 1\n", "{Y9=\"2\", __name__=\"a:b:c_d\", _x=\"1\"}" },
        { "{\"my.metric\",\"a.b\"=\"v\"} 1\n", "{__name__=\"my.metric\", \"a.b\"=\"v\"}" },
        { "{ \"my.metric\" , \"a.b\" = \"v\" , } 1\n", "{__name__=\"my.metric\", \"a.b\"=\"v\"}" },
        { "{\"Heizölrückstoß 10€\"} 1\n", "{__name__=\"Heizölrückstoß 10€\"}" },
        { "{\"with \\\"quotes\\\"\",\"é\"=\"ü\"} 1\n", "{__name__=\"with \\\"quotes\\\"\", \"é\"=\"ü\"}" },
        { "a{\"b\"=\"c\"} 1\n", "{__name__=\"a\", b=\"c\"}" },
        { "a{b=\"x\\\\y\\\"z\\nw\"} 1\n", "{__name__=\"a\", b=\"x\\\\y\\\"z\\nw\"}" },
        { "a{b=\"nul\0byte\"} 1\n", "{__name__=\"a\", b=\"nul\0byte\"}" },
    };

    [Theory]
    [MemberData(nameof(TextLabelSets))]
    public void Text_LabelSets(string body, string expected)
    {
        Assert.Equal(expected, Single(ParseText(body)).Labels.ToString());
    }

    public static TheoryData<string, string> LabelValueEscapes => new()
    {
        { @"a\\b", @"a\b" },
        { @"a\""b", "a\"b" },
        { @"a\nb", "a\nb" },
        { @"a\tb", @"a\tb" },       // unknown escapes stay as written
        { @"a\\nb", @"a\nb" },      // escaped backslash, then a plain n
        { @"\\\""", "\\\"" },
        { @"\x41", @"\x41" },
        { "raw\nnewline", "raw\nnewline" }, // text 0.0.4 lexes a raw newline inside quotes
        { "quote'single", "quote'single" },
    };

    [Theory]
    [MemberData(nameof(LabelValueEscapes))]
    public void Text_LabelValueEscapes(string written, string expected)
    {
        var doc = ParseText($"a{{b=\"{written}\"}} 1\n");
        Assert.Equal(expected, Single(doc).Labels.Get("b"));
    }

    public static TheoryData<string, double> Values => new()
    {
        { "1", 1 },
        { "-1", -1 },
        { "+1", 1 },
        { "1e3", 1000 },
        { "1E3", 1000 },
        { "1e+3", 1000 },
        { ".5", 0.5 },
        { "5.", 5 },
        { "-0.25e-2", -0.0025 },
        { "3.2541e-05", 3.2541e-05 },
        { "0.000102665", 0.000102665 },
        { "2.691944e+06", 2.691944e+06 },
        { "1.5481568e+07", 1.5481568e+07 },
        { "7", 7 },
        { "9007199254740993", 9007199254740993d },
        { "123456789012345678901234567890", 123456789012345678901234567890d },
        { "0.1", 0.1 },
        { "1.7976931348623157e308", double.MaxValue },
        { "4.9e-324", double.Epsilon },
        { "1e-400", 0 },
        { "+Inf", double.PositiveInfinity },
        { "-Inf", double.NegativeInfinity },
        { "Inf", double.PositiveInfinity },
        { "inf", double.PositiveInfinity },
        { "-infinity", double.NegativeInfinity },
        { "+INFINITY", double.PositiveInfinity },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Text_Values_UseGoFloatSyntax(string written, double expected)
    {
        var value = Single(ParseText($"a {written}\n")).Value;
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(value));
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("nan")]
    [InlineData("NAN")]
    public void Text_NaN_IsNormalisedAndNeverStale(string written)
    {
        var value = Single(ParseText($"a {written}\n")).Value;
        Assert.Equal(StaleNaN.NormalBits, BitConverter.DoubleToUInt64Bits(value));
        Assert.False(StaleNaN.IsStale(value));
    }

    [Fact]
    public void Text_NegativeZero_KeepsItsSign()
    {
        Assert.True(double.IsNegative(Single(ParseText("a -0\n")).Value));
    }

    public static TheoryData<string, long?> Timestamps => new()
    {
        { "a 1\n", null },
        { "a 1 0\n", 0 },
        { "a 1 1700000000123\n", 1700000000123 },
        { "a 1 \t 1700000000123 \t\n", 1700000000123 },
        { "a 1 9223372036854775807\n", long.MaxValue },
        { "a 1 1700000000123", 1700000000123 },
        { "a{b=\"c\"}1 5\n", 5 },
    };

    [Theory]
    [MemberData(nameof(Timestamps))]
    public void Text_Timestamps_AreInt64Milliseconds(string body, long? expected)
    {
        Assert.Equal(expected, Single(ParseText(body)).TimestampMs);
    }

    [Fact]
    public void Text_BlankLinesCommentsAndMissingFinalNewline_AreTolerated()
    {
        var doc = ParseText("\n\n#\n#comment\n# just a comment\n# HELPx not help\n# TYPEx nope\n  \t\n# TYPE\n# HELP\na 1\n\nb 2");
        Assert.Equal(["a", "b"], doc.Samples.Select(s => s.Labels.MetricName));
        Assert.Empty(doc.Metadata);
    }

    [Fact]
    public void Text_DuplicateSeries_KeepFirstAndReportOthers()
    {
        var doc = ParseText("a 1\nb{x=\"1\"} 2\na 3\nb{x=\"1\"} 4\na{y=\"\"} 5\nb{x=\"2\"} 6\n");
        Assert.Equal([1d, 2d, 6d], doc.Samples.Select(s => s.Value));
        Assert.Equal(["{__name__=\"a\"}", "{__name__=\"b\", x=\"1\"}", "{__name__=\"a\"}"], doc.DuplicateSeries.Select(l => l.ToString()));
    }

    [Fact]
    public void Text_LeAndQuantile_AreNormalisedInTypedFamiliesOnly()
    {
        // As Prometheus 3: by the type of the last TYPE line; untyped families (e.g. from /federate) keep theirs.
        var doc = ParseText(
            "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_bucket{le=\"1e6\"} 2\nh_bucket{le=\"x\"} 2\n" +
            "# TYPE s summary\ns{quantile=\"0\"} 1\ns{le=\"1\"} 1\n# TYPE u untyped\nu_bucket{le=\"1\"} 1\n");
        Assert.Equal(["1.0", "+Inf", "1e+06", "x", "", "1", "1"], doc.Samples.Select(s => s.Labels.Get("le")));
        Assert.Equal("0.0", doc.Samples[4].Labels.Get("quantile"));
    }

    [Fact]
    public void Text_Metadata_CombinesPerFamilyInFirstSeenOrder()
    {
        var doc = ParseText(
            "# TYPE b counter\n# HELP a Help of a.\n# HELP b Help of b.\n# TYPE a gauge\n# TYPE c untyped\n" +
            "# HELP\td\ttabs\there\n# TYPE only_meta summary\nb 1\na 2\n# HELP nohelp\n# TYPE \"my.metric\" histogram\n");
        Assert.Equal(
            [
                new MetricMetadata("b", MetricType.Counter, "Help of b.", ""),
                new MetricMetadata("a", MetricType.Gauge, "Help of a.", ""),
                new MetricMetadata("c", MetricType.Unknown, "", ""),
                new MetricMetadata("d", MetricType.Unknown, "tabs\there", ""),
                new MetricMetadata("only_meta", MetricType.Summary, "", ""),
                new MetricMetadata("nohelp", MetricType.Unknown, "", ""),
                new MetricMetadata("my.metric", MetricType.Histogram, "", ""),
            ],
            doc.Metadata);
    }

    public static TheoryData<string, string> HelpTexts => new()
    {
        { "# HELP a plain text\n", "plain text" },
        { "# HELP a  two spaces\n", " two spaces" },
        { @"# HELP a back\\slash and\nnewline" + "\n", "back\\slash and\nnewline" },
        { "# HELP a keeps \\\"quotes\\\" and \\t\n", "keeps \\\"quotes\\\" and \\t" },
        { "# HELP a ünïcödé {} \"\n", "ünïcödé {} \"" },
        { "# HELP a\n", "" },
        { "# HELP a", "" },
        { "#   HELP   a   x\n", "  x" },
        { "# HELP a\tafter tab\n", "after tab" },
        { "# HELP \"a.b\" quoted name\n", "quoted name" },
    };

    [Theory]
    [MemberData(nameof(HelpTexts))]
    public void Text_Help_UnescapesBackslashAndNewlineOnly(string body, string expected)
    {
        Assert.Equal(expected, Assert.Single(ParseText(body).Metadata).Help);
    }

    [Fact]
    public void Text_RepeatedStrings_AreShared()
    {
        var doc = ParseText("node_cpu{cpu=\"0\",mode=\"idle\"} 1\nnode_cpu{cpu=\"0\",mode=\"user\"} 2\n");
        var first = doc.Samples[0].Labels;
        var second = doc.Samples[1].Labels;
        Assert.Same(first.MetricName, second.MetricName);
        Assert.Same(first.Get("cpu"), second.Get("cpu"));
        Assert.Same(first[1].Name, second[1].Name);
    }
}
