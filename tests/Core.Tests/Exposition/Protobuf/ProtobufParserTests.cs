using FedFunctions.Core.Exposition;
using FedFunctions.Core.Exposition.Protobuf;
using FedFunctions.Core.Model;
using Google.Protobuf;
using static FedFunctions.Core.Tests.Exposition.Protobuf.ProtobufBodies;
using BucketSpan = FedFunctions.Core.Exposition.Protobuf.BucketSpan;
using MetricFamily = FedFunctions.Core.Exposition.Protobuf.MetricFamily;
using ModelType = FedFunctions.Core.Model.MetricType;
using ProtoType = FedFunctions.Core.Exposition.Protobuf.MetricType;

namespace FedFunctions.Core.Tests.Exposition.Protobuf;

public class ProtobufParserTests
{
    private static readonly ExpositionParseOptions Native = new() { ScrapeNativeHistograms = true };

    private static ExpositionDocument Parse(byte[] body, ExpositionParseOptions? options = null) =>
        ExpositionParser.Parse(body, ExpositionFormat.PrometheusProtobuf, options ?? ExpositionParseOptions.Default);

    private static string Series(Sample s) => $"{s.Labels} {GoFloat.ToString(s.Value)}{(s.TimestampMs is { } t ? " " + t : "")}";

    [Fact]
    public void CountersGaugesUntyped_KeepNamesLabelsTimestampsAndMetadata()
    {
        var counter = new MetricFamily { Name = "requests", Help = "Requests served.", Type = ProtoType.Counter };
        counter.Metric.Add(new Metric { Counter = new Counter { Value = 7, Exemplar = new Exemplar { Value = 1 } } }.WithLabels(("code", "200")));
        counter.Metric.Add(new Metric { Counter = new Counter { Value = 3 }, TimestampMs = 1_700_000_000_123 }.WithLabels(("code", "500")));
        var gauge = new MetricFamily { Name = "temperature_celsius", Type = ProtoType.Gauge, Unit = "celsius" };
        gauge.Metric.Add(new Metric { Gauge = new Gauge { Value = -1.5 }, TimestampMs = 0 });
        var untyped = new MetricFamily { Name = "mystery", Type = ProtoType.Untyped };
        untyped.Metric.Add(new Metric { Untyped = new Untyped { Value = double.PositiveInfinity } });

        var doc = Parse(Delimited(counter, gauge, untyped));

        Assert.Equal(ExpositionFormat.PrometheusProtobuf, doc.Format);
        Assert.Equal(
            [
                "{__name__=\"requests\", code=\"200\"} 7",
                "{__name__=\"requests\", code=\"500\"} 3 1700000000123",
                // timestamp_ms 0 means "none"
                "{__name__=\"temperature_celsius\"} -1.5",
                "{__name__=\"mystery\"} +Inf",
            ],
            doc.Samples.Select(Series));
        Assert.Equal(
            [
                new MetricMetadata("requests", ModelType.Counter, "Requests served.", ""),
                new MetricMetadata("temperature_celsius", ModelType.Gauge, "", "celsius"),
                new MetricMetadata("mystery", ModelType.Unknown, "", ""),
            ],
            doc.Metadata);
    }

    [Fact]
    public void Summary_GivesCountSumAndNormalisedQuantiles()
    {
        var family = new MetricFamily { Name = "rpc_seconds", Type = ProtoType.Summary };
        var summary = new Summary { SampleCount = 9, SampleSum = 1.25 };
        summary.Quantile.Add(new Quantile { Quantile_ = 0.5, Value = 0.1 });
        summary.Quantile.Add(new Quantile { Quantile_ = 1, Value = 0.9 });
        family.Metric.Add(new Metric { Summary = summary }.WithLabels(("svc", "a")));

        var doc = Parse(Delimited(family));

        Assert.Equal(
            [
                "{__name__=\"rpc_seconds_count\", svc=\"a\"} 9",
                "{__name__=\"rpc_seconds_sum\", svc=\"a\"} 1.25",
                "{__name__=\"rpc_seconds\", quantile=\"0.5\", svc=\"a\"} 0.1",
                "{__name__=\"rpc_seconds\", quantile=\"1.0\", svc=\"a\"} 0.9",
            ],
            doc.Samples.Select(Series));
    }

    [Fact]
    public void ClassicHistogram_AddsInfBucketAndPrefersFloatCounts()
    {
        var family = new MetricFamily { Name = "latency", Type = ProtoType.Histogram };
        var h = new Histogram { SampleCount = 4, SampleCountFloat = 4.5, SampleSum = 2 };
        h.Bucket.Add(new Bucket { UpperBound = 0.25, CumulativeCount = 1 });
        h.Bucket.Add(new Bucket { UpperBound = 1e6, CumulativeCount = 2, CumulativeCountFloat = 2.5 });
        family.Metric.Add(new Metric { Histogram = h });

        var doc = Parse(Delimited(family));

        Assert.Equal(
            [
                "{__name__=\"latency_count\"} 4.5",
                "{__name__=\"latency_sum\"} 2",
                "{__name__=\"latency_bucket\", le=\"0.25\"} 1",
                "{__name__=\"latency_bucket\", le=\"1e+06\"} 2.5",
                "{__name__=\"latency_bucket\", le=\"+Inf\"} 4.5",
            ],
            doc.Samples.Select(Series));
    }

    [Fact]
    public void NativeHistogram_IgnoredUnlessEnabled_ThenOneSampleLossless()
    {
        var family = new MetricFamily { Name = "rt", Type = ProtoType.Histogram };
        family.Metric.Add(new Metric { Histogram = ExampleHistogram(withClassic: true), TimestampMs = 5 });

        var classicOnly = Parse(Delimited(family));
        Assert.Equal(
            ["rt_count", "rt_sum", "rt_bucket", "rt_bucket", "rt_bucket"],
            classicOnly.Samples.Select(s => s.Labels.MetricName));
        Assert.All(classicOnly.Samples, s => Assert.Null(s.Histogram));

        var native = Parse(Delimited(family), Native);
        var sample = Assert.Single(native.Samples);
        Assert.Equal("rt", sample.Labels.MetricName);
        Assert.Equal(5, sample.TimestampMs);
        var h = sample.Histogram!;
        Assert.False(h.IsFloat);
        Assert.Equal(0, h.Schema);
        Assert.Equal(17UL, h.Count);
        Assert.Equal(42.5, h.Sum);
        Assert.Equal(42.5, sample.Value);
        Assert.Equal(1UL, h.ZeroCount);
        Assert.Equal(1e-128, h.ZeroThreshold);
        Assert.Equal([new(-2, 2), new(2, 1), new(1, 2)], h.PositiveSpans);
        Assert.Equal([3L, 2, -4, 2, -1], h.PositiveDeltas);
        Assert.Equal([3.0, 5, 1, 3, 2], h.PositiveBucketCounts());
        Assert.Equal([new Model.BucketSpan(1, 1)], h.NegativeSpans);
        Assert.Equal([2.0], h.NegativeBucketCounts());

        var both = Parse(Delimited(family), Native with { AlwaysScrapeClassicHistograms = true });
        Assert.Equal(["rt", "rt_count", "rt_sum", "rt_bucket", "rt_bucket", "rt_bucket"], both.Samples.Select(s => s.Labels.MetricName));
    }

    [Fact]
    public void FloatNativeHistogram_KeepsFloatCounts()
    {
        var family = new MetricFamily { Name = "fh", Type = ProtoType.GaugeHistogram };
        family.Metric.Add(new Metric { Histogram = FloatHistogram() });

        var h = Assert.Single(Parse(Delimited(family), Native).Samples).Histogram!;

        Assert.True(h.IsFloat);
        Assert.Equal(3, h.Schema);
        Assert.Equal(10.5, h.CountFloat);
        Assert.Equal(0.5, h.ZeroCountFloat);
        Assert.Equal([1.5, 2, 3.5], h.PositiveCounts);
        Assert.Equal([3.0], h.NegativeCounts);
    }

    [Fact]
    public void EmptyNativeHistogram_NeedsTheNoOpSpan()
    {
        var family = new MetricFamily { Name = "empty", Type = ProtoType.Histogram };
        var h = new Histogram { Schema = 2 };
        h.PositiveSpan.Add(new BucketSpan { Offset = 0, Length = 0 });
        family.Metric.Add(new Metric { Histogram = h });
        var withoutSpan = new MetricFamily { Name = "empty2", Type = ProtoType.Histogram };
        withoutSpan.Metric.Add(new Metric { Histogram = new Histogram { Schema = 2 } });

        var doc = Parse(Delimited(family, withoutSpan), Native);

        Assert.Equal(2, Assert.Single(doc.Samples, s => s.Labels.MetricName == "empty").Histogram!.Schema);
        // Without the no-op span it is a classic histogram with only +Inf.
        Assert.Equal(["empty2_count", "empty2_sum", "empty2_bucket"], doc.Samples.Where(s => s.Histogram is null).Select(s => s.Labels.MetricName));
    }

    [Fact]
    public void EmptyFamily_IsSkippedWithItsMetadata()
    {
        var empty = new MetricFamily { Name = "nothing", Help = "h", Type = ProtoType.Gauge };
        var doc = Parse(Delimited(empty));
        Assert.Empty(doc.Samples);
        Assert.Empty(doc.Metadata);
    }

    [Theory]
    [InlineData("span mismatch", "positive side: spans require 5 buckets, have 6")]
    [InlineData("schema", "invalid schema")]
    [InlineData("negative offset", "positive side: span number 2 with offset -1")]
    [InlineData("negative population", "positive side: bucket number 3 has observation count of -4")]
    [InlineData("count", "17 observations found in buckets, but the Count field is 3")]
    public void InvalidNativeHistogram_FailsTheBody(string change, string expected)
    {
        var h = ExampleHistogram(withClassic: false);
        switch (change)
        {
            case "span mismatch": h.PositiveDelta.Add(1); break;
            case "schema": h.Schema = 9; break;
            case "negative offset": h.PositiveSpan[1].Offset = -1; break;
            case "negative population": h.PositiveDelta[2] = -9; break;
            default: h.SampleCount = 3; break;
        }
        var family = new MetricFamily { Name = "bad", Type = ProtoType.Histogram };
        family.Metric.Add(new Metric { Histogram = h });

        var ex = Assert.Throws<ExpositionParseException>(() => Parse(Delimited(family), Native));

        Assert.Contains("histogram \"bad\"", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Malformed_TruncatedAbsurdAndWrongWireTypes_FailWithReason()
    {
        var family = new MetricFamily { Name = "a", Type = ProtoType.Gauge };
        family.Metric.Add(new Metric { Gauge = new Gauge { Value = 1 } });
        var good = Delimited(family);

        Assert.Contains("runs beyond the end", Assert.Throws<ExpositionParseException>(() => Parse(good[..^1])).Message);
        // A length prefix of 2^62 bytes: refused before anything is sized from it.
        Assert.Contains("runs beyond the end", Assert.Throws<ExpositionParseException>(() => Parse([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0x0A])).Message);
        Assert.Contains("invalid varint", Assert.Throws<ExpositionParseException>(() => Parse([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])).Message);
        // name (field 1) sent as a varint instead of a string
        Assert.Contains("wrong wire type 0 for field MetricFamily.name", Assert.Throws<ExpositionParseException>(() => Parse([2, 0x08, 0x01])).Message);
        // type 9 is no MetricType
        Assert.Contains("unknown MetricType 9", Assert.Throws<ExpositionParseException>(() => Parse([5, 0x0A, 0x01, (byte)'a', 0x18, 0x09])).Message);
        // a name that is not UTF-8
        Assert.Contains("not valid UTF-8", Assert.Throws<ExpositionParseException>(() => Parse([3, 0x0A, 0x01, 0xFF])).Message);
    }

    [Fact]
    public void Malformed_EmptyNamesAndDuplicateLabels_Fail()
    {
        var nameless = new MetricFamily { Type = ProtoType.Gauge };
        nameless.Metric.Add(new Metric { Gauge = new Gauge() });
        Assert.Contains("invalid metric name", Assert.Throws<ExpositionParseException>(() => Parse(Delimited(nameless))).Message);

        var emptyLabel = new MetricFamily { Name = "g", Type = ProtoType.Gauge };
        emptyLabel.Metric.Add(new Metric { Gauge = new Gauge() }.WithLabels(("", "x")));
        Assert.Contains("invalid label name", Assert.Throws<ExpositionParseException>(() => Parse(Delimited(emptyLabel))).Message);

        var duplicate = new MetricFamily { Name = "g", Type = ProtoType.Gauge };
        duplicate.Metric.Add(new Metric { Gauge = new Gauge() }.WithLabels(("a", "1"), ("a", "2")));
        Assert.Contains("duplicate label name \"a\"", Assert.Throws<ExpositionParseException>(() => Parse(Delimited(duplicate))).Message);
    }

    [Fact]
    public void PackedDeltas_AsProto3WritersSendThem_ReadLikeUnpacked()
    {
        // Google.Protobuf writes proto2 repeated scalars unpacked; Go's gogo (proto3) packs them.
        var histogram = new MemoryStream();
        var h = new CodedOutputStream(histogram);
        h.WriteTag(1, WireFormat.WireType.Varint); // sample_count
        h.WriteUInt64(3);
        h.WriteTag(12, WireFormat.WireType.LengthDelimited); // positive_span {offset 0, length 2}
        h.WriteLength(4);
        h.WriteTag(1, WireFormat.WireType.Varint);
        h.WriteSInt32(0);
        h.WriteTag(2, WireFormat.WireType.Varint);
        h.WriteUInt32(2);
        h.WriteTag(13, WireFormat.WireType.LengthDelimited); // positive_delta, packed
        h.WriteLength(2);
        h.WriteSInt64(1);
        h.WriteSInt64(1);
        h.Flush();
        var packed = Histogram.Parser.ParseFrom(histogram.ToArray());
        var family = new MetricFamily { Name = "p", Type = ProtoType.Histogram };
        family.Metric.Add(new Metric { Histogram = packed });
        var unpacked = Delimited(family);

        var fromPacked = new MetricFamily { Name = "p", Type = ProtoType.Histogram };
        var metric = new MemoryStream();
        var m = new CodedOutputStream(metric);
        m.WriteTag(7, WireFormat.WireType.LengthDelimited);
        m.WriteBytes(ByteString.CopyFrom(histogram.ToArray()));
        m.Flush();
        var familyBytes = new MemoryStream();
        var f = new CodedOutputStream(familyBytes);
        f.WriteTag(1, WireFormat.WireType.LengthDelimited);
        f.WriteString("p");
        f.WriteTag(3, WireFormat.WireType.Varint);
        f.WriteEnum((int)ProtoType.Histogram);
        f.WriteTag(4, WireFormat.WireType.LengthDelimited);
        f.WriteBytes(ByteString.CopyFrom(metric.ToArray()));
        f.Flush();
        var body = new MemoryStream();
        var b = new CodedOutputStream(body);
        b.WriteBytes(ByteString.CopyFrom(familyBytes.ToArray()));
        b.Flush();

        var a = Assert.Single(Parse(body.ToArray(), Native).Samples).Histogram!;
        var c = Assert.Single(Parse(unpacked, Native).Samples).Histogram!;
        Assert.Equal([1L, 1], a.PositiveDeltas);
        Assert.True(a.SameAs(c));
        Assert.NotEqual(body.ToArray(), unpacked);
        _ = fromPacked;
    }
}
