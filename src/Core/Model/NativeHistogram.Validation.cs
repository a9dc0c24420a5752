using System.Globalization;

namespace FedFunctions.Core.Model;

public sealed partial class NativeHistogram
{
    /// <summary>The smallest and largest exponential schema Prometheus accepts.</summary>
    public const int MinExponentialSchema = -4, MaxExponentialSchema = 8;

    /// <summary>
    /// Problem says why Prometheus' TSDB would refuse this histogram (which fails the whole scrape), or returns
    /// null when it is valid: the schema, span lengths against bucket counts, a negative offset on a later span,
    /// a negative bucket population, an integer count below the buckets' total, and custom-bucket rules.
    /// </summary>
    public string? Problem()
    {
        if (Schema is not (>= MinExponentialSchema and <= MaxExponentialSchema) && !HasCustomBuckets)
            return Invariant($"histogram has an invalid schema, which must be between {MinExponentialSchema} and {MaxExponentialSchema} or {CustomBucketsSchema}, got schema {Schema}");
        var positive = IsFloat ? PositiveCounts.Count : PositiveDeltas.Count;
        var negative = IsFloat ? NegativeCounts.Count : NegativeDeltas.Count;
        if (SideProblem("negative", NegativeSpans, negative, NegativeBucketCounts()) is { } n) return n;
        if (SideProblem("positive", PositiveSpans, positive, PositiveBucketCounts()) is { } p) return p;

        if (HasCustomBuckets)
        {
            if (negative > 0 || NegativeSpans.Count > 0) return "custom buckets: must have no negative buckets";
            if (ZeroThreshold != 0 || TotalZeroCount != 0) return "custom buckets: must have zero threshold and zero count of 0";
            for (var i = 0; i < CustomValues.Count; i++)
            {
                var bound = CustomValues[i];
                if (double.IsNaN(bound) || double.IsInfinity(bound)) return "custom buckets: bounds must be finite";
                if (i > 0 && bound <= CustomValues[i - 1]) return "custom buckets: bounds must be in strictly increasing order";
            }
            long index = -1;
            foreach (var span in PositiveSpans) index += span.Offset + span.Length;
            if (positive > 0 && index > CustomValues.Count)
                return Invariant($"custom buckets: last bucket index {index} is beyond the {CustomValues.Count} bounds");
        }

        if (!IsFloat)
        {
            double total = ZeroCount;
            foreach (var c in PositiveBucketCounts()) total += c;
            foreach (var c in NegativeBucketCounts()) total += c;
            if (double.IsNaN(Sum) ? Count < total : Count != total)
                return Invariant($"{total} observations found in buckets, but the Count field is {Count}");
        }
        return null;
    }

    private static string? SideProblem(string side, IReadOnlyList<BucketSpan> spans, int buckets, double[] counts)
    {
        long required = 0;
        for (var i = 0; i < spans.Count; i++)
        {
            if (i > 0 && spans[i].Offset < 0) return Invariant($"{side} side: span number {i + 1} with offset {spans[i].Offset}");
            required += spans[i].Length;
        }
        if (required != buckets) return Invariant($"{side} side: spans require {required} buckets, have {buckets}");
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] < 0) return Invariant($"{side} side: bucket number {i + 1} has observation count of {counts[i]}");
        }
        return null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
