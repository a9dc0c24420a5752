using System.Buffers;
using System.Globalization;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Exposition;

public static partial class PrometheusProtobufWriter
{
    private const byte SampleCountTag = 0x08, SampleSumTag = 0x11, SampleCountFloatTag = 0x21;
    private const byte SummaryQuantile = 0x1A, QuantileQuantile = 0x09, QuantileValue = 0x11;
    private const byte HistogramBucket = 0x1A, BucketCount = 0x08, BucketBound = 0x11, BucketCountFloat = 0x21;

    // 2^64: the first double a uint64 cannot hold.
    private const double TwoTo64 = 18446744073709551616.0;

    /// <summary>How a count can be carried: as uint64, only as a double, or not at all.</summary>
    private enum CountKind { Integral, Float, Invalid }

    /// <summary>
    /// Histograms and summaries: the samples come sorted by label set (ignoring <c>le</c>/<c>quantile</c>),
    /// buckets or quantiles ascending, then <c>_sum</c>, then <c>_count</c>. Each complete label set becomes
    /// one metric; the samples of incomplete ones are returned to be written untyped.
    /// </summary>
    private static List<Sample>? WriteGrouped(IBufferWriter<byte> output, ProtoBuffer buffer, MetricFamily family, ExternalLabels external)
    {
        var histogram = family.Type == MetricType.Histogram;
        var bound = histogram ? "le" : "quantile";
        var names = new GroupNames(family.Name, histogram);
        List<Sample>? others = null;
        var written = 0;
        WriteHeader(buffer, family.Name, family.Help, histogram ? TypeHistogram : TypeSummary);

        var samples = family.Samples;
        var start = 0;
        while (start < samples.Count)
        {
            var end = start + 1;
            while (end < samples.Count && SameGroup(samples[start].Labels, samples[end].Labels, bound)) end++;
            // A native histogram is written alone and its classic series of the same labels go out untyped, by series
            // name, as Prometheus' /federate does: a receiver keeps only the native part of a message that has one
            // (Prometheus 2.x always, 3.x without always_scrape_classic_histograms), so one message would lose them.
            var native = NativeIn(samples, start, end, family.Name);
            if (native < 0 && TryReadGroup(samples, start, end, family.Name, names, bound, histogram, out var group))
            {
                WriteGroupMetric(buffer, samples, start, end, group, bound, histogram, external);
                written++;
            }
            else
            {
                if (native >= 0)
                {
                    WriteNativeMetric(buffer, samples[native], external);
                    written++;
                }
                for (var i = start; i < end; i++)
                {
                    if (i != native) (others ??= []).Add(samples[i]);
                }
            }
            start = end;
        }
        if (written > 0) buffer.CopyDelimitedTo(output);
        return others;
    }

    /// <summary>The series names of one histogram or summary family, made once per family.</summary>
    private readonly struct GroupNames(string family, bool histogram)
    {
        public string Point { get; } = histogram ? family + "_bucket" : family;
        public string Sum { get; } = family + "_sum";
        public string Count { get; } = family + "_count";
    }

    /// <summary>Where the sum and count of a group are, and whether the count fits a uint64.</summary>
    private readonly record struct Group(int Sum, int Count, CountKind CountKind);

    /// <summary>
    /// Checks that a group can be one message without changing what the receiver stores: exactly one
    /// <c>_sum</c> and one <c>_count</c>, bounds that parse and strictly increase (so no two turn into the same
    /// series), a <c>+Inf</c> bucket (else the receiver would make one up), counts a message can carry, and
    /// one timestamp for all (a message has one).
    /// </summary>
    private static bool TryReadGroup(IReadOnlyList<Sample> samples, int start, int end, string familyName, GroupNames names,
        string bound, bool histogram, out Group group)
    {
        group = default;
        int sum = -1, count = -1, points = 0;
        var previous = double.NegativeInfinity;
        var timestamp = samples[start].TimestampMs;
        for (var i = start; i < end; i++)
        {
            var sample = samples[i];
            if (sample.IsHistogram) return false;
            if (sample.TimestampMs != timestamp) return false;
            var name = NameOf(sample, familyName);
            var boundText = sample.Labels.Get(bound);
            if (name == names.Point)
            {
                if (!TryParseBound(boundText, out var value) || (points > 0 && value <= previous)) return false;
                if (histogram && CountKindOf(sample.Value) == CountKind.Invalid) return false;
                previous = value;
                points++;
            }
            else if (name == names.Sum && boundText.Length == 0 && sum < 0)
            {
                sum = i;
            }
            else if (name == names.Count && boundText.Length == 0 && count < 0)
            {
                count = i;
            }
            else
            {
                return false;
            }
        }
        if (sum < 0 || count < 0) return false;
        var countKind = CountKindOf(samples[count].Value);
        if (histogram)
        {
            if (points == 0 || !double.IsPositiveInfinity(previous) || countKind == CountKind.Invalid) return false;
        }
        else if (countKind != CountKind.Integral)
        {
            // A summary has no float count field.
            return false;
        }
        group = new Group(sum, count, countKind);
        return true;
    }

    private static void WriteGroupMetric(ProtoBuffer buffer, IReadOnlyList<Sample> samples, int start, int end, Group group,
        string bound, bool histogram, ExternalLabels external)
    {
        var first = samples[start];
        var metric = buffer.BeginMessage(FamilyMetric);
        WriteLabels(buffer, first.Labels, bound, external);
        var body = buffer.BeginMessage(histogram ? MetricHistogram : MetricSummary);
        WriteCount(buffer, samples[group.Count].Value, group.CountKind, SampleCountTag, SampleCountFloatTag);
        buffer.Double(SampleSumTag, samples[group.Sum].Value);
        for (var i = start; i < end; i++)
        {
            if (i == group.Sum || i == group.Count) continue;
            var sample = samples[i];
            _ = TryParseBound(sample.Labels.Get(bound), out var value); // bounds were checked when the group was formed
            if (histogram)
            {
                var bucket = buffer.BeginMessage(HistogramBucket);
                WriteCount(buffer, sample.Value, CountKindOf(sample.Value), BucketCount, BucketCountFloat);
                buffer.Double(BucketBound, value);
                buffer.EndMessage(bucket);
            }
            else
            {
                var quantile = buffer.BeginMessage(SummaryQuantile);
                buffer.Double(QuantileQuantile, value);
                buffer.Double(QuantileValue, sample.Value);
                buffer.EndMessage(quantile);
            }
        }
        buffer.EndMessage(body);
        WriteTimestamp(buffer, first.TimestampMs);
        buffer.EndMessage(metric);
    }

    /// <summary>
    /// The index of the native histogram sample named like the family in <c>[start, end)</c>, or -1. A custom-bucket
    /// one beside classic series of the same labels is left to the untyped fallback: written as buckets itself, it
    /// would give the receiver those classic series twice.
    /// </summary>
    private static int NativeIn(IReadOnlyList<Sample> samples, int start, int end, string familyName)
    {
        for (var i = start; i < end; i++)
        {
            if (samples[i].Histogram is { } h && samples[i].Labels.MetricName == familyName && (!h.HasCustomBuckets || end - start == 1)) return i;
        }
        return -1;
    }

    private static void WriteCount(ProtoBuffer buffer, double value, CountKind kind, byte integralTag, byte floatTag)
    {
        if (kind == CountKind.Integral)
        {
            buffer.Byte(integralTag);
            buffer.Varint((ulong)value);
        }
        else
        {
            buffer.Double(floatTag, value);
        }
    }

    /// <summary>
    /// Integral counts in [0, 2^64) go as uint64. Other positive counts go as doubles; receivers read the
    /// float field only when it is positive, so zero-or-less non-integers and NaN cannot be carried.
    /// </summary>
    private static CountKind CountKindOf(double value)
    {
        if (value >= 0 && value < TwoTo64 && Math.Floor(value) == value) return CountKind.Integral;
        return value > 0 ? CountKind.Float : CountKind.Invalid;
    }

    /// <summary>Parses an <c>le</c> or <c>quantile</c> value as Go's <c>ParseFloat</c> would; NaN is refused.</summary>
    private static bool TryParseBound(string text, out double value)
    {
        if (text.Length == 0)
        {
            value = 0;
            return false;
        }
        var span = text.AsSpan();
        var sign = 1.0;
        if (span[0] is '+' or '-')
        {
            if (span[0] == '-') sign = -1;
            span = span[1..];
        }
        if (span.Equals("Inf", StringComparison.OrdinalIgnoreCase) || span.Equals("Infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = sign * double.PositiveInfinity;
            return true;
        }
        if (!double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out value))
        {
            return false;
        }
        return !double.IsNaN(value);
    }

    /// <summary>Whether two label sets are equal once <c>__name__</c> and <paramref name="bound"/> are ignored.</summary>
    private static bool SameGroup(Labels a, Labels b, string bound)
    {
        var x = a.AsSpan();
        var y = b.AsSpan();
        int i = 0, j = 0;
        while (true)
        {
            while (i < x.Length && (x[i].Name == Label.MetricName || x[i].Name == bound)) i++;
            while (j < y.Length && (y[j].Name == Label.MetricName || y[j].Name == bound)) j++;
            if (i == x.Length || j == y.Length) return i == x.Length && j == y.Length;
            if (x[i].Name != y[j].Name || x[i].Value != y[j].Value) return false;
            i++;
            j++;
        }
    }
}
