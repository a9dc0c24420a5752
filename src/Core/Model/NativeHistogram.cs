namespace FedFunctions.Core.Model;

/// <summary>BucketSpan is a run of <see cref="Length"/> consecutive native-histogram buckets after a gap of <see cref="Offset"/> indexes.</summary>
/// <param name="Offset">The first span's absolute start index; later spans' gap after the previous span (never negative).</param>
/// <param name="Length">How many buckets the span holds.</param>
public readonly record struct BucketSpan(int Offset, uint Length);

/// <summary>
/// NativeHistogram is one sample of a native histogram, kept exactly as the target exposed it: an integer
/// histogram keeps its uint64 counts and int64 bucket deltas, a float histogram its float64 counts, so a
/// snapshot stores and <c>/federate</c> serves what was scraped without rounding (see <c>specs/native_histograms.md</c>).
/// </summary>
public sealed partial class NativeHistogram
{
    /// <summary>The schema that defines the bucket bounds: -4 to 8 exponential, -53 custom bounds.</summary>
    public required int Schema { get; init; }

    /// <summary>Whether the counts are float64 (<see cref="CountFloat"/>, <see cref="PositiveCounts"/> ...) rather than integers.</summary>
    public bool IsFloat { get; init; }

    /// <summary>The sum of observations; a staleness marker when it is <c>StaleNaN</c>.</summary>
    public double Sum { get; init; }

    /// <summary>The count of observations of an integer histogram.</summary>
    public ulong Count { get; init; }

    /// <summary>The count of observations of a float histogram.</summary>
    public double CountFloat { get; init; }

    /// <summary>The zero bucket's half-width (observations in [-t, t] land in it).</summary>
    public double ZeroThreshold { get; init; }

    /// <summary>The zero bucket's count in an integer histogram.</summary>
    public ulong ZeroCount { get; init; }

    /// <summary>The zero bucket's count in a float histogram.</summary>
    public double ZeroCountFloat { get; init; }

    /// <summary>The spans of populated positive buckets.</summary>
    public IReadOnlyList<BucketSpan> PositiveSpans { get; init; } = [];

    /// <summary>Integer histogram: bucket counts as deltas, the first absolute.</summary>
    public IReadOnlyList<long> PositiveDeltas { get; init; } = [];

    /// <summary>Float histogram: absolute bucket counts.</summary>
    public IReadOnlyList<double> PositiveCounts { get; init; } = [];

    /// <summary>The spans of populated negative buckets.</summary>
    public IReadOnlyList<BucketSpan> NegativeSpans { get; init; } = [];

    /// <summary>Integer histogram: negative bucket counts as deltas, the first absolute.</summary>
    public IReadOnlyList<long> NegativeDeltas { get; init; } = [];

    /// <summary>Float histogram: absolute negative bucket counts.</summary>
    public IReadOnlyList<double> NegativeCounts { get; init; } = [];

    /// <summary>Schema -53: the sorted upper bounds of the buckets (no +Inf; the overflow bucket is implied).</summary>
    public IReadOnlyList<double> CustomValues { get; init; } = [];

    /// <summary>The schema of histograms with custom bucket bounds (NHCB).</summary>
    public const int CustomBucketsSchema = -53;

    /// <summary>Whether the buckets have custom bounds (<see cref="CustomValues"/>).</summary>
    public bool HasCustomBuckets => Schema == CustomBucketsSchema;

    /// <summary>The count of observations, as a float.</summary>
    public double TotalCount => IsFloat ? CountFloat : Count;

    /// <summary>The zero bucket's count, as a float.</summary>
    public double TotalZeroCount => IsFloat ? ZeroCountFloat : ZeroCount;

    /// <summary>Whether this sample marks the series stale (its sum is Prometheus' StaleNaN).</summary>
    public bool IsStaleMarker => StaleNaN.IsStale(Sum);

    /// <summary>The absolute positive bucket counts as floats (deltas summed for an integer histogram).</summary>
    public double[] PositiveBucketCounts() => IsFloat ? [.. PositiveCounts] : Absolute(PositiveDeltas);

    /// <summary>The absolute negative bucket counts as floats (deltas summed for an integer histogram).</summary>
    public double[] NegativeBucketCounts() => IsFloat ? [.. NegativeCounts] : Absolute(NegativeDeltas);

    private static double[] Absolute(IReadOnlyList<long> deltas)
    {
        var counts = new double[deltas.Count];
        long running = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            running = unchecked(running + deltas[i]);
            counts[i] = running;
        }
        return counts;
    }

    /// <summary>Value equality over every field, bit for bit for floats (NaN payloads included).</summary>
    public bool SameAs(NativeHistogram? other) =>
        other is not null && Schema == other.Schema && IsFloat == other.IsFloat && Bits(Sum) == Bits(other.Sum) &&
        Count == other.Count && Bits(CountFloat) == Bits(other.CountFloat) && Bits(ZeroThreshold) == Bits(other.ZeroThreshold) &&
        ZeroCount == other.ZeroCount && Bits(ZeroCountFloat) == Bits(other.ZeroCountFloat) &&
        PositiveSpans.SequenceEqual(other.PositiveSpans) && NegativeSpans.SequenceEqual(other.NegativeSpans) &&
        PositiveDeltas.SequenceEqual(other.PositiveDeltas) && NegativeDeltas.SequenceEqual(other.NegativeDeltas) &&
        PositiveCounts.Select(Bits).SequenceEqual(other.PositiveCounts.Select(Bits)) &&
        NegativeCounts.Select(Bits).SequenceEqual(other.NegativeCounts.Select(Bits)) &&
        CustomValues.Select(Bits).SequenceEqual(other.CustomValues.Select(Bits));

    private static ulong Bits(double value) => BitConverter.DoubleToUInt64Bits(value);
}
