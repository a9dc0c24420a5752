using System.Buffers;
using System.Text;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Tests.Writing;

/// <summary>The text and protobuf writers apply the negotiated escaping to metric and label names, never to values.</summary>
public sealed class EscapedNamesWriterTests
{
    private static Sample S(double value, long? timestamp, params string[] labels) => new(Labels.Of(labels), value, timestamp);

    // A dotted OpenTelemetry-style family with a dotted label, a legacy label and a value that looks like a name.
    private static readonly MetricFamily Dotted = new("http.server.duration", MetricType.Gauge, "", "",
    [
        S(1.5, 1000, "__name__", "http.server.duration", "http.route", "/a.b", "code", "200"),
    ]);

    private static readonly ExternalLabels External = ExternalLabels.Create([new Label("k8s.cluster", "eu.1"), new Label("instance", "")]);

    private static string Text(MetricFamily family, ExternalLabels external, NameEscapingScheme escaping)
    {
        var buffer = new ArrayBufferWriter<byte>(16);
        PrometheusTextWriter.WriteFamily(buffer, family, external, escaping);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Protobuf(MetricFamily family, ExternalLabels external, NameEscapingScheme escaping)
    {
        var buffer = new ArrayBufferWriter<byte>(16);
        PrometheusProtobufWriter.WriteFamily(buffer, family, external, escaping);
        return PrometheusProtobufWriterTests.Decode(buffer.WrittenSpan.ToArray());
    }

    public static TheoryData<NameEscapingScheme, string> TextCases => new()
    {
        // allow-utf-8: quoted names, the metric name first inside the braces, only where a name needs it.
        {
            NameEscapingScheme.AllowUtf8,
            "# TYPE \"http.server.duration\" gauge\n{\"http.server.duration\",code=\"200\",\"http.route\"=\"/a.b\",instance=\"\",\"k8s.cluster\"=\"eu.1\"} 1.5 1000\n"
        },
        {
            NameEscapingScheme.Underscores,
            "# TYPE http_server_duration gauge\nhttp_server_duration{code=\"200\",http_route=\"/a.b\",instance=\"\",k8s_cluster=\"eu.1\"} 1.5 1000\n"
        },
        {
            NameEscapingScheme.Dots,
            "# TYPE http_dot_server_dot_duration gauge\nhttp_dot_server_dot_duration{code=\"200\",http_dot_route=\"/a.b\",instance=\"\",k8s_dot_cluster=\"eu.1\"} 1.5 1000\n"
        },
        {
            NameEscapingScheme.Values,
            "# TYPE U__http_2e_server_2e_duration gauge\nU__http_2e_server_2e_duration{code=\"200\",U__http_2e_route=\"/a.b\",instance=\"\",U__k8s_2e_cluster=\"eu.1\"} 1.5 1000\n"
        },
    };

    [Theory]
    [MemberData(nameof(TextCases))]
    public void TextNamesFollowTheEscaping(NameEscapingScheme escaping, string expected)
    {
        Assert.Equal(expected, Text(Dotted, External, escaping));
    }

    [Theory]
    [InlineData(NameEscapingScheme.AllowUtf8, "family name=http.server.duration type=GAUGE\n  code=\"200\" http.route=\"/a.b\" instance=\"\" k8s.cluster=\"eu.1\" gauge=1.5 ts=1000\n")]
    [InlineData(NameEscapingScheme.Underscores, "family name=http_server_duration type=GAUGE\n  code=\"200\" http_route=\"/a.b\" instance=\"\" k8s_cluster=\"eu.1\" gauge=1.5 ts=1000\n")]
    [InlineData(NameEscapingScheme.Dots, "family name=http_dot_server_dot_duration type=GAUGE\n  code=\"200\" http_dot_route=\"/a.b\" instance=\"\" k8s_dot_cluster=\"eu.1\" gauge=1.5 ts=1000\n")]
    [InlineData(NameEscapingScheme.Values, "family name=U__http_2e_server_2e_duration type=GAUGE\n  code=\"200\" U__http_2e_route=\"/a.b\" instance=\"\" U__k8s_2e_cluster=\"eu.1\" gauge=1.5 ts=1000\n")]
    public void ProtobufNamesFollowTheEscaping(NameEscapingScheme escaping, string expected)
    {
        Assert.Equal(expected, Protobuf(Dotted, External, escaping));
    }

    [Fact]
    public void LegacyNamesAreWrittenTheSameUnderEveryScheme()
    {
        // dots would double "_" in model.EscapeName, but like EscapeMetricFamily the writers leave legacy names alone.
        var family = new MetricFamily("node_cpu_seconds_total", MetricType.Counter, "", "",
            [S(7, 5, "__name__", "node_cpu_seconds_total", "cpu_id", "0", "ns:x", "y")]);
        var external = ExternalLabels.Create([new Label("zone_a", "eu")]);
        var expected = Text(family, external, NameEscapingScheme.AllowUtf8);
        Assert.Contains("node_cpu_seconds_total{cpu_id=\"0\",\"ns:x\"=\"y\",zone_a=\"eu\"} 7 5\n", expected, StringComparison.Ordinal);
        foreach (var escaping in Enum.GetValues<NameEscapingScheme>())
        {
            Assert.Equal(expected, Text(family, external, escaping));
            Assert.Equal(Protobuf(family, external, NameEscapingScheme.AllowUtf8), Protobuf(family, external, escaping));
        }
    }

    [Fact]
    public void HistogramSeriesWithDottedNamesKeepLeLastAndEscapeTheirSuffixedNames()
    {
        var family = new MetricFamily("rpc.latency", MetricType.Histogram, "", "",
        [
            S(1, 9, "__name__", "rpc.latency_bucket", "le", "0.5", "rpc.method", "get"),
            S(2, 9, "__name__", "rpc.latency_bucket", "le", "+Inf", "rpc.method", "get"),
            S(3, 9, "__name__", "rpc.latency_sum", "rpc.method", "get"),
            S(2, 9, "__name__", "rpc.latency_count", "rpc.method", "get"),
        ]);
        Assert.Equal(
            "# TYPE rpc_latency histogram\n" +
            "rpc_latency_bucket{rpc_method=\"get\",le=\"0.5\"} 1 9\n" +
            "rpc_latency_bucket{rpc_method=\"get\",le=\"+Inf\"} 2 9\n" +
            "rpc_latency_sum{rpc_method=\"get\"} 3 9\n" +
            "rpc_latency_count{rpc_method=\"get\"} 2 9\n",
            Text(family, ExternalLabels.None, NameEscapingScheme.Underscores));
        Assert.Equal(
            "# TYPE \"rpc.latency\" histogram\n" +
            "{\"rpc.latency_bucket\",\"rpc.method\"=\"get\",le=\"0.5\"} 1 9\n" +
            "{\"rpc.latency_bucket\",\"rpc.method\"=\"get\",le=\"+Inf\"} 2 9\n" +
            "{\"rpc.latency_sum\",\"rpc.method\"=\"get\"} 3 9\n" +
            "{\"rpc.latency_count\",\"rpc.method\"=\"get\"} 2 9\n",
            Text(family, ExternalLabels.None, NameEscapingScheme.AllowUtf8));
        var proto = Protobuf(family, ExternalLabels.None, NameEscapingScheme.Values);
        Assert.StartsWith("family name=U__rpc_2e_latency type=HISTOGRAM\n  U__rpc_2e_method=\"get\" histogram{", proto, StringComparison.Ordinal);
    }

    [Fact]
    public void EscapedTextIsReadBackByTheParserAsLegacyNames()
    {
        // What a Prometheus 2.x client gets must parse as text 0.0.4 without the quoted syntax.
        foreach (var escaping in new[] { NameEscapingScheme.Underscores, NameEscapingScheme.Dots, NameEscapingScheme.Values })
        {
            var text = Text(Dotted, External, escaping);
            Assert.DoesNotContain("\"http", text, StringComparison.Ordinal);
            var document = ExpositionParser.Parse(Encoding.UTF8.GetBytes(text), ExpositionFormat.PrometheusText);
            var sample = Assert.Single(document.Samples);
            Assert.All(sample.Labels, label => Assert.True(LegacyNames.IsLabelName(label.Name) || label.Name == Label.MetricName));
            var name = sample.Labels.MetricName;
            // dots and values are reversible; underscores is not.
            if (escaping == NameEscapingScheme.Underscores) Assert.Equal("http_server_duration", name);
            else Assert.Equal("http.server.duration", NameEscaping.Unescape(name, escaping));
            Assert.Equal("/a.b", sample.Labels.Get(NameEscaping.Escape("http.route", escaping)));
        }
    }
}
