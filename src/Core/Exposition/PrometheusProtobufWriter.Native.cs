using FedFunctions.Core.Binary;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Exposition;

public static partial class PrometheusProtobufWriter
{
    // Histogram fields of native histograms (client_model numbers): schema sint32, zero_threshold double,
    // zero_count_float double, spans (messages), counts (packed doubles).
    private const byte SchemaTag = 0x28, ZeroThresholdTag = 0x31, ZeroCountFloatTag = 0x41;
    private const byte NegativeSpanTag = 0x4A, NegativeCountTag = 0x5A, PositiveSpanTag = 0x62, PositiveCountTag = 0x72;
    private const byte SpanOffsetTag = 0x08, SpanLengthTag = 0x10;

    /// <summary>
    /// One Metric holding a native histogram, as Prometheus' <c>/federate</c> writes it: an exponential histogram as
    /// a float histogram (spans as stored, no no-op span added); a custom-bucket one as a classic float histogram
    /// whose buckets are the custom bounds (no explicit <c>+Inf</c>), since the format has no field for the bounds.
    /// </summary>
    private static void WriteNativeMetric(ProtoBuffer buffer, in Sample sample, ExternalLabels external)
    {
        var h = sample.Histogram!;
        var metric = buffer.BeginMessage(FamilyMetric);
        WriteLabels(buffer, sample.Labels, null, external);
        var body = buffer.BeginMessage(MetricHistogram);
        buffer.Double(SampleSumTag, h.Sum);
        buffer.Double(SampleCountFloatTag, h.TotalCount);
        if (h.HasCustomBuckets)
        {
            var cumulative = ClassicHistogramView.CumulativeCounts(h);
            for (var i = 0; i < cumulative.Length; i++)
            {
                var bucket = buffer.BeginMessage(HistogramBucket);
                buffer.Double(BucketCountFloat, cumulative[i]);
                buffer.Double(BucketBound, h.CustomValues[i]);
                buffer.EndMessage(bucket);
            }
        }
        else
        {
            WriteExponentialFields(buffer, h);
        }
        buffer.EndMessage(body);
        WriteTimestamp(buffer, sample.TimestampMs);
        buffer.EndMessage(metric);
    }

    /// <summary>The native fields of an exponential histogram, with float counts.</summary>
    private static void WriteExponentialFields(ProtoBuffer buffer, NativeHistogram h)
    {
        buffer.Byte(SchemaTag);
        buffer.Varint(Varint.ZigZag(h.Schema));
        buffer.Double(ZeroThresholdTag, h.ZeroThreshold);
        buffer.Double(ZeroCountFloatTag, h.TotalZeroCount);
        WriteSpans(buffer, NegativeSpanTag, h.NegativeSpans);
        WritePackedDoubles(buffer, NegativeCountTag, h.NegativeBucketCounts());
        WriteSpans(buffer, PositiveSpanTag, h.PositiveSpans);
        WritePackedDoubles(buffer, PositiveCountTag, h.PositiveBucketCounts());
    }

    private static void WriteSpans(ProtoBuffer buffer, byte tag, IReadOnlyList<BucketSpan> spans)
    {
        foreach (var span in spans)
        {
            var message = buffer.BeginMessage(tag);
            buffer.Byte(SpanOffsetTag);
            buffer.Varint(Varint.ZigZag(span.Offset));
            buffer.Byte(SpanLengthTag);
            buffer.Varint(span.Length);
            buffer.EndMessage(message);
        }
    }

    private static void WritePackedDoubles(ProtoBuffer buffer, byte tag, double[] values)
    {
        if (values.Length == 0) return;
        var run = buffer.BeginMessage(tag);
        foreach (var value in values) buffer.RawDouble(value);
        buffer.EndMessage(run);
    }
}
