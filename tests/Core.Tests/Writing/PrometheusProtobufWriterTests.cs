using System.Buffers;
using System.Globalization;
using System.Text;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;
using Google.Protobuf;
using Proto = FedFunctions.Core.Exposition.Protobuf;

namespace FedFunctions.Core.Tests.Writing;

public class PrometheusProtobufWriterTests
{
    private static readonly ExternalLabels NoExternal = ExternalLabels.None;

    // Federation's instance="": external labels may carry empty values, which are written as pairs.
    private static readonly ExternalLabels FederationExternal = ExternalLabels.Create([new Label("zone", "eu"), new Label("instance", "")]);

    private static Sample S(double value, long? timestamp, params string[] labels) => new(Labels.Of(labels), value, timestamp);

    private static byte[] Bytes(MetricFamily family, ExternalLabels external)
    {
        var buffer = new ArrayBufferWriter<byte>(16);
        PrometheusProtobufWriter.WriteFamily(buffer, family, external);
        return buffer.WrittenSpan.ToArray();
    }

    private static string Write(MetricFamily family, ExternalLabels external) => Decode(Bytes(family, external));

    [Theory]
    [InlineData(MetricType.Counter, "COUNTER", "counter")]
    [InlineData(MetricType.Gauge, "GAUGE", "gauge")]
    [InlineData(MetricType.Info, "GAUGE", "gauge")]
    [InlineData(MetricType.StateSet, "GAUGE", "gauge")]
    [InlineData(MetricType.Unknown, "UNTYPED", "untyped")]
    public void SimpleTypesCarryTheirValueHelpAndTimestamp(MetricType type, string typeName, string field)
    {
        var family = new MetricFamily("m", type, "Some help.", "seconds",
        [
            S(1027, 1395066363000, "__name__", "m", "method", "post", "code", "200"),
            S(-3.5, 1, "__name__", "m", "method", "get"),
        ]);
        Assert.Equal(
            $"family name=m help=\"Some help.\" type={typeName}\n" +
            $"  code=\"200\" method=\"post\" {field}=1027 ts=1395066363000\n" +
            $"  method=\"get\" {field}=-3.5 ts=1\n",
            Write(family, NoExternal));
    }

    [Fact]
    public void NoHelpNoUnitAndSpecialValues()
    {
        var family = new MetricFamily("g", MetricType.Gauge, "", "bytes",
        [
            S(double.NaN, 5, "__name__", "g", "a", "1"),
            S(double.PositiveInfinity, 6, "__name__", "g", "a", "2"),
            S(double.NegativeInfinity, -7, "__name__", "g", "a", "3"),
        ]);
        Assert.Equal(
            "family name=g type=GAUGE\n" +
            "  a=\"1\" gauge=NaN ts=5\n" +
            "  a=\"2\" gauge=Infinity ts=6\n" +
            "  a=\"3\" gauge=-Infinity ts=-7\n",
            Write(family, NoExternal));
    }

    [Fact]
    public void ExternalLabelsFollowTheSampleLabelsUnlessTheSampleHasThem()
    {
        var family = new MetricFamily("up", MetricType.Unknown, "", "",
        [
            S(1, 10, "__name__", "up", "job", "node", "instance", "a:9100"),
            S(0, 10, "__name__", "up", "job", "node", "zone", "us"),
            S(1, 10, "__name__", "up"),
        ]);
        Assert.Equal(
            "family name=up type=UNTYPED\n" +
            "  instance=\"a:9100\" job=\"node\" zone=\"eu\" untyped=1 ts=10\n" +
            "  job=\"node\" zone=\"us\" instance=\"\" untyped=0 ts=10\n" +
            "  instance=\"\" zone=\"eu\" untyped=1 ts=10\n",
            Write(family, FederationExternal));
    }

    [Fact]
    public void SummaryGroupsQuantilesSumAndCountPerLabelSet()
    {
        var family = new MetricFamily("go_gc_duration_seconds", MetricType.Summary, "A summary.", "",
        [
            S(1.2e-05, 100, "__name__", "go_gc_duration_seconds", "job", "a", "quantile", "0"),
            S(3.1e-05, 100, "__name__", "go_gc_duration_seconds", "job", "a", "quantile", "0.5"),
            S(0.002, 100, "__name__", "go_gc_duration_seconds", "job", "a", "quantile", "1"),
            S(0.25, 100, "__name__", "go_gc_duration_seconds_sum", "job", "a"),
            S(1234, 100, "__name__", "go_gc_duration_seconds_count", "job", "a"),
            S(7, 200, "__name__", "go_gc_duration_seconds_sum", "job", "b"),
            S(3, 200, "__name__", "go_gc_duration_seconds_count", "job", "b"),
        ]);
        Assert.Equal(
            "family name=go_gc_duration_seconds help=\"A summary.\" type=SUMMARY\n" +
            "  job=\"a\" instance=\"\" zone=\"eu\" summary{count=1234 sum=0.25 q(0)=1.2E-05 q(0.5)=3.1E-05 q(1)=0.002} ts=100\n" +
            "  job=\"b\" instance=\"\" zone=\"eu\" summary{count=3 sum=7} ts=200\n",
            Write(family, FederationExternal));
    }

    [Fact]
    public void HistogramGroupsBucketsSumAndCountPerLabelSet()
    {
        var family = new MetricFamily("rpc_seconds", MetricType.Histogram, "", "",
        [
            S(2, 100, "__name__", "rpc_seconds_bucket", "code", "200", "le", "0.1"),
            S(5, 100, "__name__", "rpc_seconds_bucket", "code", "200", "le", "1"),
            S(6, 100, "__name__", "rpc_seconds_bucket", "code", "200", "le", "+Inf"),
            S(3.5, 100, "__name__", "rpc_seconds_sum", "code", "200"),
            S(6, 100, "__name__", "rpc_seconds_count", "code", "200"),
            S(0, 100, "__name__", "rpc_seconds_bucket", "code", "500", "le", "+Inf"),
            S(0, 100, "__name__", "rpc_seconds_sum", "code", "500"),
            S(0, 100, "__name__", "rpc_seconds_count", "code", "500"),
        ]);
        Assert.Equal(
            "family name=rpc_seconds type=HISTOGRAM\n" +
            "  code=\"200\" histogram{count=6 sum=3.5 b(0.1)=2 b(1)=5 b(Infinity)=6} ts=100\n" +
            "  code=\"500\" histogram{count=0 sum=0 b(Infinity)=0} ts=100\n",
            Write(family, NoExternal));
    }

    [Fact]
    public void NonIntegralHistogramCountsUseTheFloatFields()
    {
        var family = new MetricFamily("h", MetricType.Histogram, "", "",
        [
            S(0.5, 1, "__name__", "h_bucket", "le", "1"),
            S(2.5, 1, "__name__", "h_bucket", "le", "+Inf"),
            S(1, 1, "__name__", "h_sum"),
            S(2.5, 1, "__name__", "h_count"),
        ]);
        Assert.Equal(
            "family name=h type=HISTOGRAM\n" +
            "  histogram{countf=2.5 sum=1 b(1)=f0.5 b(Infinity)=f2.5} ts=1\n",
            Write(family, NoExternal));
    }

    public static TheoryData<string, MetricFamily, string> Fallbacks => new()
    {
        {
            "only the buckets were selected",
            new MetricFamily("h", MetricType.Histogram, "", "",
            [
                S(1, 5, "__name__", "h_bucket", "le", "1"),
                S(2, 5, "__name__", "h_bucket", "le", "+Inf"),
            ]),
            "family name=h_bucket type=UNTYPED\n" +
            "  le=\"1\" untyped=1 ts=5\n" +
            "  le=\"+Inf\" untyped=2 ts=5\n"
        },
        {
            "a histogram without its +Inf bucket",
            new MetricFamily("h", MetricType.Histogram, "", "",
            [
                S(1, 5, "__name__", "h_bucket", "le", "1"),
                S(3, 5, "__name__", "h_sum"),
                S(2, 5, "__name__", "h_count"),
            ]),
            "family name=h_bucket type=UNTYPED\n  le=\"1\" untyped=1 ts=5\n" +
            "family name=h_sum type=UNTYPED\n  untyped=3 ts=5\n" +
            "family name=h_count type=UNTYPED\n  untyped=2 ts=5\n"
        },
        {
            "a summary without _sum; the complete label set stays a summary",
            new MetricFamily("s", MetricType.Summary, "help", "",
            [
                S(0.1, 5, "__name__", "s", "a", "1", "quantile", "0.5"),
                S(4, 5, "__name__", "s_count", "a", "1"),
                S(0.2, 5, "__name__", "s", "a", "2", "quantile", "0.5"),
                S(1, 5, "__name__", "s_sum", "a", "2"),
                S(4, 5, "__name__", "s_count", "a", "2"),
            ]),
            "family name=s help=\"help\" type=SUMMARY\n" +
            "  a=\"2\" summary{count=4 sum=1 q(0.5)=0.2} ts=5\n" +
            "family name=s type=UNTYPED\n  a=\"1\" quantile=\"0.5\" untyped=0.1 ts=5\n" +
            "family name=s_count type=UNTYPED\n  a=\"1\" untyped=4 ts=5\n"
        },
        {
            "a summary count that is not an integer",
            new MetricFamily("s", MetricType.Summary, "", "",
            [
                S(1, 5, "__name__", "s_sum"),
                S(1.5, 5, "__name__", "s_count"),
            ]),
            "family name=s_sum type=UNTYPED\n  untyped=1 ts=5\n" +
            "family name=s_count type=UNTYPED\n  untyped=1.5 ts=5\n"
        },
        {
            "samples of one label set with different timestamps",
            new MetricFamily("h", MetricType.Histogram, "", "",
            [
                S(2, 5, "__name__", "h_bucket", "le", "+Inf"),
                S(3, 5, "__name__", "h_sum"),
                S(2, 6, "__name__", "h_count"),
            ]),
            "family name=h_bucket type=UNTYPED\n  le=\"+Inf\" untyped=2 ts=5\n" +
            "family name=h_sum type=UNTYPED\n  untyped=3 ts=5\n" +
            "family name=h_count type=UNTYPED\n  untyped=2 ts=6\n"
        },
        {
            "a negative bucket count",
            new MetricFamily("h", MetricType.Histogram, "", "",
            [
                S(-1, 5, "__name__", "h_bucket", "le", "+Inf"),
                S(3, 5, "__name__", "h_sum"),
                S(2, 5, "__name__", "h_count"),
            ]),
            "family name=h_bucket type=UNTYPED\n  le=\"+Inf\" untyped=-1 ts=5\n" +
            "family name=h_sum type=UNTYPED\n  untyped=3 ts=5\n" +
            "family name=h_count type=UNTYPED\n  untyped=2 ts=5\n"
        },
        {
            "two bounds that read as the same number",
            new MetricFamily("h", MetricType.Histogram, "", "",
            [
                S(1, 5, "__name__", "h_bucket", "le", "1"),
                S(1, 5, "__name__", "h_bucket", "le", "1.0"),
                S(2, 5, "__name__", "h_bucket", "le", "+Inf"),
                S(3, 5, "__name__", "h_sum"),
                S(2, 5, "__name__", "h_count"),
            ]),
            "family name=h_bucket type=UNTYPED\n  le=\"1\" untyped=1 ts=5\n  le=\"1.0\" untyped=1 ts=5\n  le=\"+Inf\" untyped=2 ts=5\n" +
            "family name=h_sum type=UNTYPED\n  untyped=3 ts=5\n" +
            "family name=h_count type=UNTYPED\n  untyped=2 ts=5\n"
        },
        {
            "a gauge histogram",
            new MetricFamily("q", MetricType.GaugeHistogram, "", "",
            [
                S(4, 5, "__name__", "q_bucket", "le", "+Inf"),
                S(4, 5, "__name__", "q_gcount"),
                S(9, 5, "__name__", "q_gsum"),
            ]),
            "family name=q_bucket type=UNTYPED\n  le=\"+Inf\" untyped=4 ts=5\n" +
            "family name=q_gcount type=UNTYPED\n  untyped=4 ts=5\n" +
            "family name=q_gsum type=UNTYPED\n  untyped=9 ts=5\n"
        },
        {
            "a counter family holding a series of another name",
            new MetricFamily("c_total", MetricType.Counter, "", "",
            [
                S(4, 5, "__name__", "c_total"),
                S(9, 5, "__name__", "c_created"),
            ]),
            "family name=c_total type=COUNTER\n  counter=4 ts=5\n" +
            "family name=c_created type=UNTYPED\n  untyped=9 ts=5\n"
        },
    };

    [Theory]
    [MemberData(nameof(Fallbacks))]
    public void WhatAMessageCannotSayIsWrittenUntypedUnderEachSeriesName(string why, MetricFamily family, string expected)
    {
        Assert.True(why.Length > 0);
        Assert.Equal(expected, Write(family, NoExternal));
    }

    [Fact]
    public void LongLabelsAndManyMetricsKeepValidLengths()
    {
        // Values past 127 and 16383 bytes need two- and three-byte lengths at every nesting level.
        var longValue = new string('x', 200);
        var veryLong = string.Concat(Enumerable.Repeat("é", 9000));
        var samples = new List<Sample>();
        for (var i = 0; i < 500; i++) samples.Add(S(i, i, "__name__", "m", "i", i.ToString("D4", CultureInfo.InvariantCulture), "long", longValue));
        samples.Add(S(1, 1, "__name__", "m", "i", "z", "long", veryLong));
        var decoded = Write(new MetricFamily("m", MetricType.Gauge, veryLong, "", samples), NoExternal);
        var lines = decoded.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(502, lines.Length);
        Assert.Equal($"family name=m help=\"{veryLong}\" type=GAUGE", lines[0]);
        Assert.Equal($"  i=\"0499\" long=\"{longValue}\" gauge=499 ts=499", lines[500]);
        Assert.Equal($"  i=\"z\" long=\"{veryLong}\" gauge=1 ts=1", lines[501]);
    }

    [Fact]
    public void EachFamilyIsOneDelimitedMessageAndEmptyFamiliesWriteNothing()
    {
        var family = new MetricFamily("up", MetricType.Unknown, "", "", [S(1, 1, "__name__", "up")]);
        var bytes = Bytes(family, NoExternal);
        // A one-byte length, then exactly that many bytes.
        Assert.Equal(bytes.Length - 1, bytes[0]);
        Assert.Empty(Bytes(new MetricFamily("none", MetricType.Histogram, "", "", []), NoExternal));
        Assert.Empty(Bytes(new MetricFamily("none", MetricType.Counter, "", "", []), NoExternal));

        var buffer = new ArrayBufferWriter<byte>();
        PrometheusProtobufWriter.WriteFamily(buffer, family, NoExternal);
        PrometheusProtobufWriter.WriteFamily(buffer, family with { Name = "up" }, FederationExternal);
        Assert.Equal(
            "family name=up type=UNTYPED\n  untyped=1 ts=1\n" +
            "family name=up type=UNTYPED\n  instance=\"\" zone=\"eu\" untyped=1 ts=1\n",
            Decode(buffer.WrittenSpan.ToArray()));
    }

    [Fact]
    public void ANamelessSampleIsRefused()
    {
        var family = new MetricFamily("m", MetricType.Gauge, "", "", [S(1, 1, "a", "b")]);
        var ex = Assert.Throws<ArgumentException>(() => Bytes(family, NoExternal));
        Assert.Contains("\"m\"", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Decodes delimited MetricFamily messages with the types generated from metrics.proto into one line per family
    /// and metric. The body must also pass the wire check, so no field was written with a wrong wire type (which
    /// Google.Protobuf would keep silently as an unknown field).
    /// </summary>
    internal static string Decode(byte[] bytes)
    {
        FedFunctions.Core.Exposition.Protobuf.ProtobufWireCheck.CheckBody(bytes);
        var text = new StringBuilder();
        var input = new CodedInputStream(bytes);
        string[] typeNames = ["COUNTER", "GAUGE", "SUMMARY", "UNTYPED", "HISTOGRAM", "GAUGE_HISTOGRAM"];
        while (!input.IsAtEnd)
        {
            var family = new Proto.MetricFamily();
            input.ReadMessage(family);
            text.Append("family name=").Append(family.Name);
            if (family.HasHelp) text.Append(" help=\"").Append(family.Help).Append('"');
            text.Append(" type=").Append(family.HasType ? typeNames[(int)family.Type] : "absent").Append('\n');
            foreach (var metric in family.Metric) text.Append("  ").Append(DecodeMetric(metric)).Append('\n');
        }
        return text.ToString();
    }

    private static string DecodeMetric(Proto.Metric metric)
    {
        var parts = new List<string>();
        foreach (var pair in metric.Label) parts.Add($"{pair.Name}=\"{pair.Value}\"");
        if (metric.Gauge is { } gauge) parts.Add("gauge=" + F(gauge.Value));
        if (metric.Counter is { } counter) parts.Add("counter=" + F(counter.Value));
        if (metric.Summary is { } summary) parts.Add("summary{" + DecodeSummary(summary) + "}");
        if (metric.Untyped is { } untyped) parts.Add("untyped=" + F(untyped.Value));
        if (metric.Histogram is { } histogram) parts.Add("histogram{" + DecodeHistogram(histogram) + "}");
        if (metric.HasTimestampMs) parts.Add("ts=" + metric.TimestampMs.ToString(CultureInfo.InvariantCulture));
        return string.Join(' ', parts);
    }

    private static string DecodeSummary(Proto.Summary summary)
    {
        var parts = new List<string>();
        if (summary.HasSampleCount) parts.Add("count=" + summary.SampleCount.ToString(CultureInfo.InvariantCulture));
        if (summary.HasSampleSum) parts.Add("sum=" + F(summary.SampleSum));
        foreach (var q in summary.Quantile) parts.Add($"q({F(q.Quantile_)})={F(q.Value)}");
        return string.Join(' ', parts);
    }

    private static string DecodeHistogram(Proto.Histogram histogram)
    {
        var parts = new List<string>();
        if (histogram.HasSampleCount) parts.Add("count=" + histogram.SampleCount.ToString(CultureInfo.InvariantCulture));
        if (histogram.HasSampleCountFloat) parts.Add("countf=" + F(histogram.SampleCountFloat));
        if (histogram.HasSampleSum) parts.Add("sum=" + F(histogram.SampleSum));
        foreach (var bucket in histogram.Bucket)
        {
            var count = bucket.HasCumulativeCountFloat ? "f" + F(bucket.CumulativeCountFloat) : bucket.CumulativeCount.ToString(CultureInfo.InvariantCulture);
            parts.Add($"b({F(bucket.UpperBound)})={count}");
        }
        if (histogram.HasSchema)
        {
            parts.Add($"schema={histogram.Schema} zt={F(histogram.ZeroThreshold)} zc={F(histogram.ZeroCountFloat)}");
            parts.Add("neg=" + string.Join(',', histogram.NegativeSpan.Select(s => $"{s.Offset}:{s.Length}")) + "/" + string.Join(',', histogram.NegativeCount.Select(F)));
            parts.Add("pos=" + string.Join(',', histogram.PositiveSpan.Select(s => $"{s.Offset}:{s.Length}")) + "/" + string.Join(',', histogram.PositiveCount.Select(F)));
        }
        return string.Join(' ', parts);
    }

    private static string F(double value) => value.ToString(CultureInfo.InvariantCulture);
}
