using FedFunctions.Core.Exposition.Protobuf;
using Google.Protobuf;

namespace FedFunctions.Core.Tests.Exposition.Protobuf;

/// <summary>Builds delimited protobuf bodies with the generated types, as client libraries write them.</summary>
internal static class ProtobufBodies
{
    public static byte[] Delimited(params MetricFamily[] families)
    {
        using var stream = new MemoryStream();
        foreach (var family in families) family.WriteDelimitedTo(stream);
        return stream.ToArray();
    }

    public static LabelPair Pair(string name, string value) => new() { Name = name, Value = value };

    public static Metric WithLabels(this Metric metric, params (string Name, string Value)[] labels)
    {
        foreach (var (name, value) in labels) metric.Label.Add(Pair(name, value));
        return metric;
    }

    /// <summary>
    /// An integer native histogram of schema 0 with the specification's example buckets (-2→3, -1→5, 2→1,
    /// 4→3, 5→2 on the positive side, one negative bucket), a zero bucket and classic buckets too.
    /// </summary>
    public static Histogram ExampleHistogram(bool withClassic)
    {
        var h = new Histogram
        {
            SampleCount = 17,
            SampleSum = 42.5,
            Schema = 0,
            ZeroThreshold = 1e-128,
            ZeroCount = 1,
        };
        h.PositiveSpan.Add(new BucketSpan { Offset = -2, Length = 2 });
        h.PositiveSpan.Add(new BucketSpan { Offset = 2, Length = 1 });
        h.PositiveSpan.Add(new BucketSpan { Offset = 1, Length = 2 });
        h.PositiveDelta.AddRange([3, 2, -4, 2, -1]);
        h.NegativeSpan.Add(new BucketSpan { Offset = 1, Length = 1 });
        h.NegativeDelta.Add(2);
        if (withClassic)
        {
            h.Bucket.Add(new Bucket { UpperBound = 1, CumulativeCount = 11 });
            h.Bucket.Add(new Bucket { UpperBound = 10, CumulativeCount = 15 });
        }
        return h;
    }

    /// <summary>A float native histogram (as federation sends them) of schema 3 with a custom zero threshold.</summary>
    public static Histogram FloatHistogram()
    {
        var h = new Histogram { SampleCountFloat = 10.5, SampleSum = -3.25, Schema = 3, ZeroThreshold = 0.001, ZeroCountFloat = 0.5 };
        h.PositiveSpan.Add(new BucketSpan { Offset = 5, Length = 3 });
        h.PositiveCount.AddRange([1.5, 2, 3.5]);
        h.NegativeSpan.Add(new BucketSpan { Offset = -1, Length = 1 });
        h.NegativeCount.Add(3);
        return h;
    }
}
