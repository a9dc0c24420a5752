using FedFunctions.Core.Exposition.Protobuf;
using Google.Protobuf.Collections;

namespace FedFunctions.TestSupport;

/// <summary>
/// NativeHistogramObservations builds the protobuf <see cref="Histogram"/> a client library exposes after observing
/// some values: exponential buckets of a schema (index as client_golang's <c>observe</c> finds it), a zero bucket of
/// a given threshold, spans that bridge gaps of up to two empty buckets and start a new span after longer ones,
/// integer counts with deltas or, with a weight, float counts; optionally classic buckets of the same values.
/// </summary>
internal static class NativeHistogramObservations
{
    /// <summary>Builds the histogram of <paramref name="values"/>.</summary>
    /// <param name="values">The observations.</param>
    /// <param name="schema">The exponential schema, -4 to 8.</param>
    /// <param name="zeroThreshold">Observations with an absolute value up to this land in the zero bucket.</param>
    /// <param name="weight">Null for an integer histogram; otherwise every observation counts this much (a float histogram).</param>
    /// <param name="classicBounds">Upper bounds of classic buckets to expose as well (no +Inf: scrapers add it).</param>
    public static Histogram Build(IReadOnlyCollection<double> values, int schema, double zeroThreshold, double? weight = null, IReadOnlyList<double>? classicBounds = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(schema, -4);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(schema, 8);
        var positive = new SortedDictionary<int, long>();
        var negative = new SortedDictionary<int, long>();
        long zero = 0;
        var sum = 0.0;
        foreach (var value in values)
        {
            sum += value * (weight ?? 1);
            if (Math.Abs(value) <= zeroThreshold) zero++;
            else
            {
                var side = value > 0 ? positive : negative;
                var index = Index(Math.Abs(value), schema);
                side[index] = side.GetValueOrDefault(index) + 1;
            }
        }

        var histogram = new Histogram { Schema = schema, ZeroThreshold = zeroThreshold, SampleSum = sum };
        if (weight is { } w)
        {
            histogram.SampleCountFloat = values.Count * w;
            histogram.ZeroCountFloat = zero * w;
        }
        else
        {
            histogram.SampleCount = (ulong)values.Count;
            histogram.ZeroCount = (ulong)zero;
        }
        AddSide(positive, histogram.PositiveSpan, histogram.PositiveDelta, histogram.PositiveCount, weight);
        AddSide(negative, histogram.NegativeSpan, histogram.NegativeDelta, histogram.NegativeCount, weight);
        // An empty histogram still says it is native (Prometheus' isNativeHistogram looks for a span).
        if (histogram.PositiveSpan.Count == 0 && histogram.NegativeSpan.Count == 0)
            histogram.PositiveSpan.Add(new BucketSpan { Offset = 0, Length = 0 });

        foreach (var bound in classicBounds ?? [])
        {
            var below = values.Count(v => v <= bound);
            var bucket = new Bucket { UpperBound = bound };
            if (weight is { } bw) bucket.CumulativeCountFloat = below * bw;
            else bucket.CumulativeCount = (ulong)below;
            histogram.Bucket.Add(bucket);
        }
        return histogram;
    }

    /// <summary>
    /// The bucket index of a positive <paramref name="value"/> in <paramref name="schema"/>: bucket i holds
    /// (base^(i-1), base^i] with base 2^(2^-schema), found from the value's mantissa and exponent as client_golang does.
    /// </summary>
    public static int Index(double value, int schema)
    {
        // frexp: value = fraction * 2^exponent with fraction in [0.5, 1).
        var exponent = Math.ILogB(value) + 1;
        var fraction = Math.ScaleB(value, -exponent);
        if (schema > 0)
        {
            var perOctave = 1 << schema;
            var k = 0;
            while (k < perOctave && Math.Pow(2, (double)k / perOctave - 1) < fraction) k++;
            return k + (exponent - 1) * perOctave;
        }
        var key = fraction == 0.5 ? exponent - 1 : exponent;
        var offset = (1 << -schema) - 1;
        return (key + offset) >> -schema;
    }

    // Buckets in index order; a gap of one or two empty buckets is filled with zeros, a longer one starts a new span.
    private static void AddSide(SortedDictionary<int, long> buckets, RepeatedField<BucketSpan> spans, RepeatedField<long> deltas, RepeatedField<double> counts, double? weight)
    {
        BucketSpan? span = null;
        var last = 0;
        long previous = 0;
        foreach (var (index, count) in buckets)
        {
            if (span is not null && index - last <= 3)
            {
                for (var gap = last + 1; gap < index; gap++) Add(0);
                span.Length += (uint)(index - last - 1);
            }
            else
            {
                span = new BucketSpan { Offset = span is null ? index : index - last - 1, Length = 0 };
                spans.Add(span);
            }
            span.Length++;
            Add(count);
            last = index;
        }

        void Add(long count)
        {
            if (weight is { } w) counts.Add(count * w);
            else
            {
                deltas.Add(count - previous);
                previous = count;
            }
        }
    }
}
