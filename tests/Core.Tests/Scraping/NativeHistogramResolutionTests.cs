using FedFunctions.Core.Model;

namespace FedFunctions.Core.Tests.Scraping;

/// <summary>Lowering a native histogram's schema as Prometheus' <c>ReduceResolution</c> does, and <c>pickSchema</c>.</summary>
public sealed class NativeHistogramResolutionTests
{
    // The native histogram specification's example at schema 0: buckets -2→3, -1→5, 2→1, 4→3, 5→2.
    private static NativeHistogram SpecExample(bool asFloat) => new()
    {
        Schema = 0,
        IsFloat = asFloat,
        Sum = 42.5,
        Count = asFloat ? 0UL : 20UL,
        CountFloat = asFloat ? 20 : 0,
        ZeroThreshold = 0.001,
        ZeroCount = asFloat ? 0UL : 6UL,
        ZeroCountFloat = asFloat ? 6 : 0,
        PositiveSpans = [new(-2, 2), new(2, 1), new(1, 2)],
        PositiveDeltas = asFloat ? [] : [3, 2, -4, 2, -1],
        PositiveCounts = asFloat ? [3, 5, 1, 3, 2] : [],
    };

    [Fact]
    public void TheSpecExampleMergesIntoWiderBuckets_IntegerAndFloatAlike()
    {
        foreach (var asFloat in new[] { false, true })
        {
            var reduced = SpecExample(asFloat).ReduceResolution(-2);

            // Schema -2 buckets are (16^(j-1), 16^j]: (1/8,1/4] and (1/4,1/2] go to bucket 0, (2,4] and (8,16] to 1, (16,32] to 2.
            Assert.Equal(-2, reduced.Schema);
            Assert.Equal([new BucketSpan(0, 3)], reduced.PositiveSpans);
            Assert.Equal([8.0, 4, 2], reduced.PositiveBucketCounts());
            if (asFloat) Assert.Empty(reduced.PositiveDeltas);
            else Assert.Equal([8L, -4, -2], reduced.PositiveDeltas);
            Assert.Equal(asFloat, reduced.IsFloat);
            // Count, sum and the zero bucket are untouched.
            Assert.Equal(20, reduced.TotalCount);
            Assert.Equal(6, reduced.TotalZeroCount);
            Assert.Equal(0.001, reduced.ZeroThreshold);
            Assert.Equal(42.5, reduced.Sum);
            Assert.Null(reduced.Problem());
        }
    }

    [Fact]
    public void OneStepDownKeepsSeparateBucketsInOneSpan()
    {
        // At schema -1 no two of the example's buckets share a bucket, but the gaps close: one span of five.
        var reduced = SpecExample(asFloat: false).ReduceResolution(-1);
        Assert.Equal([new BucketSpan(-1, 5)], reduced.PositiveSpans);
        Assert.Equal([3L, 2, -4, 2, -1], reduced.PositiveDeltas);
    }

    [Fact]
    public void NegativeBucketsAcrossAGapKeepTheirGap_AndZeroLengthSpansAreSkipped()
    {
        var histogram = new NativeHistogram
        {
            Schema = 2,
            IsFloat = true,
            CountFloat = 8,
            ZeroThreshold = 0,
            PositiveSpans = [new(0, 0)],
            // Indexes 0, 1, then 12 (after a gap of 10 and an empty span).
            NegativeSpans = [new(0, 2), new(3, 0), new(7, 1)],
            NegativeCounts = [1.5, 2.5, 4],
        };

        var reduced = histogram.ReduceResolution(0);

        // ((i - 1) >> 2) + 1: 0 → 0, 1 → 1, 12 → 3, so bucket 2 is a gap of one.
        Assert.Equal([new BucketSpan(0, 2), new BucketSpan(1, 1)], reduced.NegativeSpans);
        Assert.Equal([1.5, 2.5, 4], reduced.NegativeCounts);
        Assert.Empty(reduced.PositiveSpans);
        Assert.Empty(reduced.PositiveCounts);
        Assert.Null(reduced.Problem());
    }

    [Fact]
    public void RandomHistogramsKeepEveryObservationInTheBucketThatContainsItsOldOne()
    {
        var random = new Random(11);
        for (var round = 0; round < 300; round++)
        {
            var asFloat = random.Next(2) == 0;
            var schema = random.Next(-3, 9);
            var positive = RandomSide(random);
            var negative = RandomSide(random);
            var histogram = Build(schema, asFloat, positive, negative);
            Assert.Null(histogram.Problem());

            var target = random.Next(-4, schema);
            var reduced = histogram.ReduceResolution(target);

            Assert.Null(reduced.Problem());
            Assert.Equal(Expected(positive, schema - target), Buckets(reduced.PositiveSpans, reduced.PositiveBucketCounts()));
            Assert.Equal(Expected(negative, schema - target), Buckets(reduced.NegativeSpans, reduced.NegativeBucketCounts()));
            Assert.Equal(histogram.TotalCount, reduced.TotalCount);
        }
    }

    [Fact]
    public void CustomBucketsAndAFinerTargetAreRefused()
    {
        var custom = new NativeHistogram { Schema = NativeHistogram.CustomBucketsSchema, CustomValues = [1, 2], PositiveSpans = [new(0, 1)], PositiveDeltas = [1], Count = 1 };
        Assert.Throws<InvalidOperationException>(() => custom.ReduceResolution(0));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => SpecExample(false).ReduceResolution(0));
        Assert.Contains("cannot reduce resolution from schema 0 to 0", ex.Message);
    }

    [Theory]
    // Prometheus' documented table (configuration.md) and TestPickSchema.
    [InlineData(65536, -4)]
    [InlineData(256, -3)]
    [InlineData(16, -2)]
    [InlineData(4, -1)]
    [InlineData(2, 0)]
    [InlineData(1.4, 1)]
    [InlineData(1.1, 2)]
    [InlineData(1.09, 3)]
    [InlineData(1.04, 4)]
    [InlineData(1.02, 5)]
    [InlineData(1.01, 6)]
    [InlineData(1.005, 7)]
    [InlineData(1.002, 8)]
    // 1 or less (the default 0, negatives) means no cap; beyond 65536 it stays at -4.
    [InlineData(0, 8)]
    [InlineData(1, 8)]
    [InlineData(-3, 8)]
    [InlineData(1e300, -4)]
    [InlineData(double.PositiveInfinity, -4)]
    public void MaxSchemaForFactor_FollowsPickSchema(double factor, int schema) =>
        Assert.Equal(schema, NativeHistogram.MaxSchemaForFactor(factor));

    // Up to 12 populated buckets over indexes -40..40 (gaps of any length); empty sides too.
    private static SortedDictionary<int, long> RandomSide(Random random)
    {
        var side = new SortedDictionary<int, long>();
        var count = random.Next(0, 13);
        for (var i = 0; i < count; i++) side[random.Next(-40, 41)] = random.Next(0, 50);
        return side;
    }

    private static NativeHistogram Build(int schema, bool asFloat, SortedDictionary<int, long> positive, SortedDictionary<int, long> negative)
    {
        var (positiveSpans, positiveCounts) = Encode(positive);
        var (negativeSpans, negativeCounts) = Encode(negative);
        var total = positive.Values.Sum() + negative.Values.Sum();
        return new NativeHistogram
        {
            Schema = schema,
            IsFloat = asFloat,
            Count = asFloat ? 0 : (ulong)total,
            CountFloat = asFloat ? total : 0,
            PositiveSpans = positiveSpans,
            NegativeSpans = negativeSpans,
            PositiveCounts = asFloat ? [.. positiveCounts.Select(c => (double)c)] : [],
            NegativeCounts = asFloat ? [.. negativeCounts.Select(c => (double)c)] : [],
            PositiveDeltas = asFloat ? [] : Deltas(positiveCounts),
            NegativeDeltas = asFloat ? [] : Deltas(negativeCounts),
        };
    }

    // One span per run of consecutive indexes, plus an empty span before each to exercise zero-length spans.
    private static (List<BucketSpan> Spans, List<long> Counts) Encode(SortedDictionary<int, long> side)
    {
        var spans = new List<BucketSpan>();
        var counts = new List<long>();
        int? last = null;
        foreach (var (index, count) in side)
        {
            if (last == index - 1) spans[^1] = spans[^1] with { Length = spans[^1].Length + 1 };
            else
            {
                spans.Add(new BucketSpan(last is null ? index : 0, 0));
                spans.Add(new BucketSpan(last is null ? 0 : index - last.Value - 1, 1));
            }
            counts.Add(count);
            last = index;
        }
        return (spans, counts);
    }

    private static long[] Deltas(List<long> counts) => [.. counts.Select((c, i) => i == 0 ? c : c - counts[i - 1])];

    // The oracle: bucket i of the old schema lies inside bucket ceil(i / 2^shift) of the new one (its upper bound
    // 2^(i·2^-schema) is at most the new bucket's); empty buckets still occupy their place.
    private static SortedDictionary<int, double> Expected(SortedDictionary<int, long> side, int shift)
    {
        var expected = new SortedDictionary<int, double>();
        foreach (var (index, count) in side)
        {
            var target = (int)Math.Ceiling(index / Math.Pow(2, shift));
            expected[target] = expected.GetValueOrDefault(target) + count;
        }
        return expected;
    }

    private static SortedDictionary<int, double> Buckets(IReadOnlyList<BucketSpan> spans, double[] counts)
    {
        var buckets = new SortedDictionary<int, double>();
        var index = 0;
        var position = 0;
        foreach (var span in spans)
        {
            index += span.Offset;
            for (var j = 0; j < span.Length; j++) buckets.Add(index++, counts[position++]);
        }
        Assert.Equal(counts.Length, position);
        return buckets;
    }
}
