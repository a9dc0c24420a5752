using System.Numerics;

namespace FedFunctions.Core.Model;

public sealed partial class NativeHistogram
{
    /// <summary>The number of buckets the histogram holds (positive and negative, empty ones inside spans included; not the zero bucket).</summary>
    public int BucketCount => IsFloat ? PositiveCounts.Count + NegativeCounts.Count : PositiveDeltas.Count + NegativeDeltas.Count;

    /// <summary>
    /// MaxSchemaForFactor is the highest schema whose buckets grow by at least <paramref name="minBucketFactor"/> from one
    /// to the next, as Prometheus' <c>pickSchema</c> computes it for <c>native_histogram_min_bucket_factor</c>:
    /// ⌊−log2(log2 factor)⌋ clamped to −4…8; a factor of 1 or less (the default 0 included) means 8, no cap.
    /// </summary>
    public static int MaxSchemaForFactor(double minBucketFactor)
    {
        if (!(minBucketFactor > 1)) minBucketFactor = 1.00271;
        var floor = Math.Floor(-Math.Log2(Math.Log2(minBucketFactor)));
        return floor >= MaxExponentialSchema ? MaxExponentialSchema : floor <= MinExponentialSchema ? MinExponentialSchema : (int)floor;
    }

    /// <summary>
    /// ReduceResolution returns this histogram in the coarser <paramref name="targetSchema"/>, as Prometheus'
    /// <c>ReduceResolution</c> does: each bucket i goes to bucket ((i − 1) &gt;&gt; (schema − target)) + 1, buckets that land
    /// together are added up, spans are rebuilt (adjacent buckets share a span, a gap starts a new one), and an
    /// integer histogram keeps integer counts and deltas. Count, sum and the zero bucket are unchanged.
    /// </summary>
    /// <exception cref="InvalidOperationException">The histogram has custom buckets.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetSchema"/> is not below the schema, or below −4.</exception>
    public NativeHistogram ReduceResolution(int targetSchema)
    {
        if (HasCustomBuckets) throw new InvalidOperationException("cannot reduce resolution when there are custom buckets");
        if (targetSchema >= Schema || targetSchema < MinExponentialSchema)
            throw new ArgumentOutOfRangeException(nameof(targetSchema), targetSchema, $"cannot reduce resolution from schema {Schema} to {targetSchema}");

        if (IsFloat)
        {
            var (positiveSpans, positive) = Reduce(PositiveSpans, PositiveCounts, Schema, targetSchema);
            var (negativeSpans, negative) = Reduce(NegativeSpans, NegativeCounts, Schema, targetSchema);
            return CopyWith(targetSchema, positiveSpans, negativeSpans, positiveCounts: positive, negativeCounts: negative);
        }
        var (posSpans, posCounts) = Reduce(PositiveSpans, AbsoluteIntegers(PositiveDeltas), Schema, targetSchema);
        var (negSpans, negCounts) = Reduce(NegativeSpans, AbsoluteIntegers(NegativeDeltas), Schema, targetSchema);
        return CopyWith(targetSchema, posSpans, negSpans, positiveDeltas: Deltas(posCounts), negativeDeltas: Deltas(negCounts));
    }

    private NativeHistogram CopyWith(int schema, BucketSpan[] positiveSpans, BucketSpan[] negativeSpans,
        double[]? positiveCounts = null, double[]? negativeCounts = null, long[]? positiveDeltas = null, long[]? negativeDeltas = null) => new()
        {
            Schema = schema,
            IsFloat = IsFloat,
            Sum = Sum,
            Count = Count,
            CountFloat = CountFloat,
            ZeroThreshold = ZeroThreshold,
            ZeroCount = ZeroCount,
            ZeroCountFloat = ZeroCountFloat,
            PositiveSpans = positiveSpans,
            NegativeSpans = negativeSpans,
            PositiveCounts = positiveCounts ?? [],
            NegativeCounts = negativeCounts ?? [],
            PositiveDeltas = positiveDeltas ?? [],
            NegativeDeltas = negativeDeltas ?? [],
        };

    // One side of the histogram: walks the buckets in index order and folds each into its target bucket.
    private static (BucketSpan[] Spans, T[] Counts) Reduce<T>(IReadOnlyList<BucketSpan> spans, IReadOnlyList<T> counts, int schema, int targetSchema)
        where T : INumber<T>
    {
        var targetSpans = new List<BucketSpan>();
        var targetCounts = new List<T>(counts.Count);
        var shift = schema - targetSchema;
        var index = 0;
        var position = 0;
        var lastTarget = 0;
        foreach (var span in spans)
        {
            index += span.Offset;
            for (var j = 0u; j < span.Length; j++, index++, position++)
            {
                var target = ((index - 1) >> shift) + 1;
                var count = counts[position];
                if (targetSpans.Count == 0)
                {
                    targetSpans.Add(new BucketSpan(target, 1));
                    targetCounts.Add(count);
                }
                else if (target == lastTarget)
                {
                    targetCounts[^1] += count;
                }
                else if (target == lastTarget + 1)
                {
                    targetSpans[^1] = targetSpans[^1] with { Length = targetSpans[^1].Length + 1 };
                    targetCounts.Add(count);
                }
                else
                {
                    targetSpans.Add(new BucketSpan(target - lastTarget - 1, 1));
                    targetCounts.Add(count);
                }
                lastTarget = target;
            }
        }
        return ([.. targetSpans], [.. targetCounts]);
    }

    private static long[] AbsoluteIntegers(IReadOnlyList<long> deltas)
    {
        var counts = new long[deltas.Count];
        long running = 0;
        for (var i = 0; i < counts.Length; i++) counts[i] = running = unchecked(running + deltas[i]);
        return counts;
    }

    private static long[] Deltas(long[] counts)
    {
        var deltas = new long[counts.Length];
        long previous = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            deltas[i] = unchecked(counts[i] - previous);
            previous = counts[i];
        }
        return deltas;
    }
}
