using FedFunctions.Core.Model;
using ModelSpan = FedFunctions.Core.Model.BucketSpan;

namespace FedFunctions.Core.Exposition.Protobuf;

/// <summary>ProtobufHistograms maps the native parts of a protobuf <see cref="Histogram"/> to the model and back.</summary>
internal static class ProtobufHistograms
{
    /// <summary>
    /// The native histogram of <paramref name="h"/>: a float histogram when <c>sample_count_float</c> or
    /// <c>zero_count_float</c> is positive (Prometheus' rule), else an integer one read from the deltas.
    /// </summary>
    public static NativeHistogram ToNative(Histogram h)
    {
        var isFloat = h.SampleCountFloat > 0 || h.ZeroCountFloat > 0;
        return new NativeHistogram
        {
            Schema = h.Schema,
            IsFloat = isFloat,
            Sum = h.SampleSum,
            Count = isFloat ? 0 : h.SampleCount,
            CountFloat = isFloat ? h.SampleCountFloat : 0,
            ZeroThreshold = h.ZeroThreshold,
            ZeroCount = isFloat ? 0 : h.ZeroCount,
            ZeroCountFloat = isFloat ? h.ZeroCountFloat : 0,
            PositiveSpans = Spans(h.PositiveSpan),
            NegativeSpans = Spans(h.NegativeSpan),
            PositiveDeltas = isFloat ? [] : [.. h.PositiveDelta],
            NegativeDeltas = isFloat ? [] : [.. h.NegativeDelta],
            PositiveCounts = isFloat ? [.. h.PositiveCount] : [],
            NegativeCounts = isFloat ? [.. h.NegativeCount] : [],
        };
    }

    private static ModelSpan[] Spans(Google.Protobuf.Collections.RepeatedField<BucketSpan> spans)
    {
        var result = new ModelSpan[spans.Count];
        for (var i = 0; i < result.Length; i++) result[i] = new ModelSpan(spans[i].Offset, spans[i].Length);
        return result;
    }

    /// <summary>
    /// The histogram as a float protobuf histogram, as Prometheus' <c>/federate</c> writes native histograms:
    /// float counts, spans as stored (no no-op span), no classic buckets.
    /// </summary>
    public static Histogram ToFloatProto(NativeHistogram h)
    {
        var proto = new Histogram
        {
            Schema = h.Schema,
            SampleSum = h.Sum,
            SampleCountFloat = h.TotalCount,
            ZeroThreshold = h.ZeroThreshold,
            ZeroCountFloat = h.TotalZeroCount,
        };
        foreach (var span in h.PositiveSpans) proto.PositiveSpan.Add(new BucketSpan { Offset = span.Offset, Length = span.Length });
        foreach (var span in h.NegativeSpans) proto.NegativeSpan.Add(new BucketSpan { Offset = span.Offset, Length = span.Length });
        proto.PositiveCount.AddRange(h.PositiveBucketCounts());
        proto.NegativeCount.AddRange(h.NegativeBucketCounts());
        return proto;
    }
}
