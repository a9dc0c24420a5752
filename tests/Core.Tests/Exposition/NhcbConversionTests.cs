using System.Text;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Tests.Exposition.Protobuf;
using ProtoFamily = FedFunctions.Core.Exposition.Protobuf.MetricFamily;
using ProtoType = FedFunctions.Core.Exposition.Protobuf.MetricType;

namespace FedFunctions.Core.Tests.Exposition;

public class NhcbConversionTests
{
    private static readonly ExpositionParseOptions Convert = new() { ConvertClassicHistogramsToNhcb = true };

    private const string Text = "# TYPE rt histogram\nrt_bucket{a=\"x\",le=\"0.5\"} 1\nrt_bucket{a=\"x\",le=\"1\"} 3\nrt_bucket{a=\"x\",le=\"+Inf\"} 4\nrt_sum{a=\"x\"} 2.5\nrt_count{a=\"x\"} 4\n# TYPE g gauge\ng 1\n";

    [Fact]
    public void ClassicHistogram_BecomesOneCustomBucketHistogram_FromTextAndProtobufAlike()
    {
        var family = new ProtoFamily { Name = "rt", Type = ProtoType.Histogram };
        var h = new FedFunctions.Core.Exposition.Protobuf.Histogram { SampleCount = 4, SampleSum = 2.5 };
        h.Bucket.Add(new FedFunctions.Core.Exposition.Protobuf.Bucket { UpperBound = 0.5, CumulativeCount = 1 });
        h.Bucket.Add(new FedFunctions.Core.Exposition.Protobuf.Bucket { UpperBound = 1, CumulativeCount = 3 });
        family.Metric.Add(new FedFunctions.Core.Exposition.Protobuf.Metric { Histogram = h }.WithLabels(("a", "x")));

        var fromText = ExpositionParser.Parse(Encoding.UTF8.GetBytes(Text), ExpositionFormat.PrometheusText, Convert);
        var fromProtobuf = ExpositionParser.Parse(ProtobufBodies.Delimited(family), ExpositionFormat.PrometheusProtobuf, Convert);

        var native = Assert.Single(fromText.Samples, s => s.IsHistogram);
        Assert.Equal("{__name__=\"rt\", a=\"x\"}", native.Labels.ToString());
        var histogram = native.Histogram!;
        Assert.Equal(-53, histogram.Schema);
        Assert.Equal([0.5, 1.0], histogram.CustomValues);
        Assert.Equal([1.0, 2, 1], histogram.PositiveCounts);
        Assert.Equal(4, histogram.CountFloat);
        Assert.Equal(2.5, histogram.Sum);
        Assert.Null(histogram.Problem());
        Assert.Equal(["rt", "g"], fromText.Samples.Select(s => s.Labels.MetricName));
        Assert.True(histogram.SameAs(Assert.Single(fromProtobuf.Samples).Histogram));
    }

    [Fact]
    public void AlwaysScrapeClassic_KeepsTheClassicSeriesToo()
    {
        var doc = ExpositionParser.Parse(Encoding.UTF8.GetBytes(Text), ExpositionFormat.PrometheusText, Convert with { AlwaysScrapeClassicHistograms = true });
        Assert.Equal(["rt", "rt_bucket", "rt_bucket", "rt_bucket", "rt_sum", "rt_count", "g"], doc.Samples.Select(s => s.Labels.MetricName));
    }

    [Fact]
    public void AHistogramWithoutInfBucket_StaysClassic()
    {
        var doc = ExpositionParser.Parse("# TYPE rt histogram\nrt_bucket{le=\"1\"} 1\nrt_count 1\n"u8, ExpositionFormat.PrometheusText, Convert);
        Assert.DoesNotContain(doc.Samples, s => s.IsHistogram);
        Assert.Equal(2, doc.Samples.Count);
    }
}
