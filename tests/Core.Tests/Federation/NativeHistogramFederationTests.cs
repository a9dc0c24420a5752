using System.Text;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Exposition.Protobuf;
using FedFunctions.Core.Federation;
using FedFunctions.Core.Model;
using FedFunctions.Core.Selectors;
using FedFunctions.Core.Snapshots;
using FedFunctions.Core.Tests.Exposition.Protobuf;
using FedFunctions.Core.Tests.Snapshots;
using Google.Protobuf;
using MetricType = FedFunctions.Core.Model.MetricType;
using ModelFamily = FedFunctions.Core.Model.MetricFamily;
using ProtoFamily = FedFunctions.Core.Exposition.Protobuf.MetricFamily;
using ProtoType = FedFunctions.Core.Exposition.Protobuf.MetricType;

namespace FedFunctions.Core.Tests.Federation;

/// <summary>Native histograms from a protobuf scrape through a stored snapshot to each <c>/federate</c> format.</summary>
public class NativeHistogramFederationTests
{
    private const long ScrapeMs = 1_700_000_000_000;
    private static readonly ExpositionParseOptions Native = new() { ScrapeNativeHistograms = true, AlwaysScrapeClassicHistograms = true };

    /// <summary>What a client sent: an integer histogram with classic buckets, a float one, and a gauge histogram.</summary>
    private static byte[] ClientBody()
    {
        var rt = new ProtoFamily { Name = "rt_seconds", Help = "Response times.", Type = ProtoType.Histogram };
        rt.Metric.Add(new Metric { Histogram = ProtobufBodies.ExampleHistogram(withClassic: true) }.WithLabels(("path", "/a")));
        rt.Metric.Add(new Metric { Histogram = ProtobufBodies.FloatHistogram() }.WithLabels(("path", "/b")));
        var queue = new ProtoFamily { Name = "queue_depth", Type = ProtoType.GaugeHistogram };
        queue.Metric.Add(new Metric { Histogram = ProtobufBodies.FloatHistogram() });
        return ProtobufBodies.Delimited(rt, queue);
    }

    private static IReadOnlyList<ModelFamily> Federate(params TargetSnapshot[] snapshots) =>
        FederationQuery.Select(snapshots.Select(s => new IndexedSnapshot(SnapshotCodec.Decode(SnapshotCodec.Encode(s)))).ToList(),
            SelectorParser.ParseMany(["{__name__=~\".+\"}"]), ScrapeMs + 1000, FederationQuery.DefaultLookback);

    private static TargetSnapshot Stored(ExpositionDocument document) => new()
    {
        TargetLabels = Labels.Of("instance", "t:1", "job", "j"),
        ScrapeTimestampMs = ScrapeMs,
        Up = true,
        Metadata = document.Metadata,
        Samples = [.. document.Samples.Select(s => s with { Labels = s.Labels.ToBuilder().Set("job", "j").Set("instance", "t:1").Build(), TimestampMs = ScrapeMs })],
    };

    private static List<ProtoFamily> ProtobufAnswer(IReadOnlyList<ModelFamily> families)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var family in families) PrometheusProtobufWriter.WriteFamily(output, family, ExternalLabels.None);
        var body = output.WrittenSpan.ToArray();
        ProtobufWireCheck.CheckBody(body);
        var input = new CodedInputStream(body);
        var result = new List<ProtoFamily>();
        while (!input.IsAtEnd)
        {
            var family = new ProtoFamily();
            input.ReadMessage(family);
            result.Add(family);
        }
        return result;
    }

    [Fact]
    public void NativeHistograms_SurviveScrapeTableAndFederate_AsPrometheusWritesThem()
    {
        var scraped = ExpositionParser.Parse(ClientBody(), ExpositionFormat.PrometheusProtobuf, Native);
        var families = ProtobufAnswer(Federate(Stored(scraped)));

        var rt = Assert.Single(families, f => f.Name == "rt_seconds");
        Assert.Equal(ProtoType.Histogram, rt.Type);
        Assert.Equal("Response times.", rt.Help);
        var a = Assert.Single(rt.Metric, m => m.Label.Any(l => l.Value == "/a")).Histogram;
        var b = Assert.Single(rt.Metric, m => m.Label.Any(l => l.Value == "/b")).Histogram;
        // Float form of what the client sent, compared as parsed messages (Prometheus federates float histograms).
        var expectedA = ProtobufHistograms.ToFloatProto(ProtobufHistograms.ToNative(ProtobufBodies.ExampleHistogram(withClassic: false)));
        Assert.Equal(expectedA.Schema, a.Schema);
        Assert.Equal(expectedA.PositiveSpan, a.PositiveSpan);
        Assert.Equal(expectedA.PositiveCount, a.PositiveCount);
        Assert.Equal(expectedA.NegativeSpan, a.NegativeSpan);
        Assert.Equal(expectedA.NegativeCount, a.NegativeCount);
        Assert.Equal(expectedA.ZeroThreshold, a.ZeroThreshold);
        Assert.Equal(expectedA.ZeroCountFloat, a.ZeroCountFloat);
        Assert.Equal(42.5, a.SampleSum);
        // The classic series of the same labels travel apart, untyped and named by series, as Prometheus' /federate
        // sends them: a receiver keeps only the native part of a histogram message.
        Assert.Empty(a.Bucket);
        var buckets = Assert.Single(families, f => f.Name == "rt_seconds_bucket");
        Assert.Equal(ProtoType.Untyped, buckets.Type);
        var aBuckets = buckets.Metric.Where(m => m.Label.Any(l => l.Value == "/a")).ToList();
        Assert.Equal(["1.0", "10.0", "+Inf"], aBuckets.Select(m => m.Label.Single(l => l.Name == "le").Value));
        Assert.Contains(families, f => f.Name == "rt_seconds_count" && f.Type == ProtoType.Untyped);
        Assert.Contains(families, f => f.Name == "rt_seconds_sum" && f.Type == ProtoType.Untyped);
        Assert.Equal(ProtobufHistograms.ToFloatProto(ProtobufHistograms.ToNative(ProtobufBodies.FloatHistogram())), b);

        var queue = Assert.Single(families, f => f.Name == "queue_depth");
        Assert.Equal(ProtoType.GaugeHistogram, queue.Type);

        // A receiver scraping that answer gets back exactly the float histograms.
        var output = new MemoryStream();
        foreach (var family in families) family.WriteDelimitedTo(output);
        var again = ExpositionParser.Parse(output.ToArray(), ExpositionFormat.PrometheusProtobuf, Native);
        var reparsed = again.Samples.Where(s => s.IsHistogram).Select(s => s.Histogram!).ToList();
        var original = scraped.Samples.Where(s => s.IsHistogram).Select(s => ProtobufHistograms.ToNative(ProtobufHistograms.ToFloatProto(s.Histogram!))).ToList();
        Assert.Equal(original.Count, reparsed.Count);
        Assert.All(original, h => Assert.Contains(reparsed, r => r.SameAs(h)));
    }

    [Fact]
    public void TextClients_GetClassicSeriesOnly_AndCustomBucketsAsClassic()
    {
        var scraped = ExpositionParser.Parse(ClientBody(), ExpositionFormat.PrometheusProtobuf, Native);
        var nhcb = NativeHistogramSnapshotTests.CustomBuckets();
        var snapshot = Stored(scraped);
        snapshot = new TargetSnapshot
        {
            TargetLabels = snapshot.TargetLabels,
            ScrapeTimestampMs = ScrapeMs,
            Up = true,
            Metadata = [.. snapshot.Metadata, new MetricMetadata("custom", MetricType.Histogram, "", "")],
            Samples = [.. snapshot.Samples, new Sample(Labels.Of("__name__", "custom", "instance", "t:1", "job", "j"), nhcb.Sum, ScrapeMs, nhcb)],
        };

        var output = new System.Buffers.ArrayBufferWriter<byte>();
        PrometheusTextWriter.WriteFamilies(output, Federate(snapshot), ExternalLabels.None);
        var text = Encoding.UTF8.GetString(output.WrittenSpan);

        // Exponential histograms have no text form: only the classic series of /a, nothing of /b or queue_depth.
        Assert.Contains("rt_seconds_bucket{instance=\"t:1\",job=\"j\",path=\"/a\",le=\"1.0\"} 11", text);
        Assert.DoesNotContain("/b", text);
        Assert.DoesNotContain("queue_depth", text);
        // Custom buckets become a classic histogram.
        Assert.Contains("custom_bucket{instance=\"t:1\",job=\"j\",le=\"0.1\"} 1 1700000000000\n", text);
        Assert.Contains("custom_bucket{instance=\"t:1\",job=\"j\",le=\"10\"} 4 1700000000000\n", text);
        Assert.Contains("custom_bucket{instance=\"t:1\",job=\"j\",le=\"+Inf\"} 4 1700000000000\n", text);
        Assert.Contains("custom_count{instance=\"t:1\",job=\"j\"} 4 1700000000000\n", text);

        // Protobuf clients get the custom buckets as a classic float histogram without an explicit +Inf.
        var custom = Assert.Single(ProtobufAnswer(Federate(snapshot)), f => f.Name == "custom").Metric.Single().Histogram;
        Assert.Equal([0.1, 1, 10], custom.Bucket.Select(x => x.UpperBound));
        Assert.Equal([1.0, 3, 4], custom.Bucket.Select(x => x.CumulativeCountFloat));
        Assert.Equal(4, custom.SampleCountFloat);
        Assert.False(custom.HasSchema);
    }

    [Fact]
    public void StaleHistogramMarkers_AreNotFederated()
    {
        var stale = new NativeHistogram { Schema = 0, Sum = StaleNaN.Value };
        var fresh = ProtobufHistograms.ToNative(ProtobufBodies.FloatHistogram());
        var snapshot = new TargetSnapshot
        {
            TargetLabels = Labels.Of("job", "j"),
            ScrapeTimestampMs = ScrapeMs,
            Up = true,
            Metadata = [new MetricMetadata("h", MetricType.Histogram, "", "")],
            Samples =
            [
                new Sample(Labels.Of("__name__", "h", "job", "j", "s", "stale"), stale.Sum, ScrapeMs, stale),
                new Sample(Labels.Of("__name__", "h", "job", "j", "s", "fresh"), fresh.Sum, ScrapeMs, fresh),
            ],
        };

        var family = Assert.Single(Federate(snapshot));

        Assert.Equal("fresh", Assert.Single(family.Samples).Labels.Get("s"));
    }
}
