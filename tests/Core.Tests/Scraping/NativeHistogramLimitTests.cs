using FedFunctions.Core.Configuration;
using FedFunctions.Core.Model;
using FedFunctions.Core.Scraping;
using FedFunctions.TestSupport;
using ProtoFamily = FedFunctions.Core.Exposition.Protobuf.MetricFamily;
using ProtoMetric = FedFunctions.Core.Exposition.Protobuf.Metric;
using ProtoType = FedFunctions.Core.Exposition.Protobuf.MetricType;

namespace FedFunctions.Core.Tests.Scraping;

/// <summary>
/// <c>native_histogram_bucket_limit</c> and <c>native_histogram_min_bucket_factor</c>: read per job as in Prometheus,
/// applied to scraped native histograms as its <c>maxSchemaAppender</c> and <c>bucketLimitAppender</c> do.
/// </summary>
public sealed class NativeHistogramLimitTests
{
    private static ScrapeJobConfig Job(string keys, string global = "") =>
        FederationConfig.Parse($"{global}scrape_configs:\n  - job_name: j\n{keys}    static_configs:\n      - targets: ['127.0.0.1:1']\n").ScrapeConfigs.Single();

    [Fact]
    public void TheKeysAreReadPerJob_AndDefaultToNoLimit()
    {
        var job = Job("    native_histogram_bucket_limit: 160\n    native_histogram_min_bucket_factor: 1.1\n");
        Assert.Equal(160, job.NativeHistogramBucketLimit);
        Assert.Equal(1.1, job.NativeHistogramMinBucketFactor);
        Assert.Equal(2, job.NativeHistogramMaxSchema);

        var defaults = Job("");
        Assert.Equal(0, defaults.NativeHistogramBucketLimit);
        Assert.Equal(NativeHistogram.MaxExponentialSchema, defaults.NativeHistogramMaxSchema);
    }

    [Theory]
    // As Go's YAML float: an integer, an exponent, infinity (schema -4); a factor of 1 or less sets no cap.
    [InlineData("4", -1)]
    [InlineData("2e0", 0)]
    [InlineData(".inf", -4)]
    [InlineData("-2", 8)]
    [InlineData("0", 8)]
    public void TheFactorIsAYamlFloat(string text, int schema) =>
        Assert.Equal(schema, Job($"    native_histogram_min_bucket_factor: {text}\n").NativeHistogramMaxSchema);

    [Theory]
    [InlineData("    native_histogram_bucket_limit: -1\n", "invalid integer \"-1\" for \"native_histogram_bucket_limit\" in scrape_configs[0]")]
    [InlineData("    native_histogram_bucket_limit: 1.5\n", "invalid integer \"1.5\" for \"native_histogram_bucket_limit\"")]
    [InlineData("    native_histogram_bucket_limit: lots\n", "invalid integer \"lots\"")]
    [InlineData("    native_histogram_min_bucket_factor: big\n", "invalid native_histogram_min_bucket_factor \"big\" in scrape_configs[0]: must be a number")]
    [InlineData("    native_histogram_min_bucket_factor: .nan\n", "invalid native_histogram_min_bucket_factor \".nan\"")]
    [InlineData("    native_histogram_min_bucket_factor: [2]\n", "\"native_histogram_min_bucket_factor\" in scrape_configs[0] must be a string")]
    public void BadValuesAreRefusedWithTheReason(string keys, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => Job(keys));
        Assert.Contains(expected, ex.Message);
    }

    [Theory]
    [InlineData("native_histogram_bucket_limit: 10")]
    [InlineData("native_histogram_min_bucket_factor: 2")]
    public void TheKeysDoNotExistInGlobal(string key)
    {
        // Prometheus has them per scrape config only (config.go), so a global one does not load there either.
        var ex = Assert.Throws<ConfigException>(() => Job("", $"global:\n  {key}\n"));
        Assert.Contains("unknown key", ex.Message);
    }

    // Prometheus' TestBucketLimitAppender cases: six buckets at schema 0, (0.5,1] (1,2] (2,4] on each side.
    private static NativeHistogram Example(bool asFloat) => new()
    {
        Schema = 0,
        IsFloat = asFloat,
        Sum = 33,
        Count = asFloat ? 0UL : 21UL,
        CountFloat = asFloat ? 21 : 0,
        ZeroThreshold = 0.001,
        ZeroCount = asFloat ? 0UL : 3UL,
        ZeroCountFloat = asFloat ? 3 : 0,
        PositiveSpans = [new(0, 3)],
        NegativeSpans = [new(0, 3)],
        PositiveDeltas = asFloat ? [] : [3, 0, 0],
        NegativeDeltas = asFloat ? [] : [3, 0, 0],
        PositiveCounts = asFloat ? [3, 3, 3] : [],
        NegativeCounts = asFloat ? [3, 3, 3] : [],
    };

    // Two buckets far apart: (1,2] and (8,16].
    private static NativeHistogram BigGap(bool asFloat) => new()
    {
        Schema = 0,
        IsFloat = asFloat,
        Sum = 33,
        Count = asFloat ? 0UL : 5UL,
        CountFloat = asFloat ? 5 : 0,
        ZeroThreshold = 0.001,
        ZeroCount = asFloat ? 0UL : 3UL,
        ZeroCountFloat = asFloat ? 3 : 0,
        PositiveSpans = [new(1, 1), new(2, 1)],
        PositiveDeltas = asFloat ? [] : [1, 0],
        PositiveCounts = asFloat ? [1, 1] : [],
    };

    private static NativeHistogram CustomBuckets() => new()
    {
        Schema = NativeHistogram.CustomBucketsSchema,
        Sum = 33,
        Count = 9,
        CustomValues = [1, 2, 3],
        PositiveSpans = [new(0, 3)],
        PositiveDeltas = [3, 0, 0],
    };

    [Theory]
    [InlineData("example", 3, null, null)] // (0.5,1] and (1,2] never share a bucket: 4 is the fewest, even at -4
    [InlineData("example", 4, -1, 4)]
    [InlineData("example", 10, 0, 6)]
    [InlineData("bigGap", 1, -2, 1)]
    [InlineData("custom", 2, null, null)] // custom buckets cannot be reduced
    [InlineData("custom", 3, NativeHistogram.CustomBucketsSchema, 3)]
    public void TheBucketLimitLowersTheSchemaUntilItFits_OrFails(string name, int limit, int? schema, int? buckets)
    {
        var job = Job($"    native_histogram_bucket_limit: {limit}\n");
        foreach (var asFloat in name == "custom" ? new[] { false } : [false, true])
        {
            var histogram = name switch { "example" => Example(asFloat), "bigGap" => BigGap(asFloat), _ => CustomBuckets() };
            var limited = Scraper.LimitHistogram(histogram, job);
            if (schema is null)
            {
                Assert.Null(limited);
                continue;
            }
            Assert.NotNull(limited);
            Assert.Equal(schema, limited.Schema);
            Assert.Equal(buckets, limited.BucketCount);
            Assert.Equal(histogram.TotalCount, limited.TotalCount);
            Assert.Equal(asFloat, limited.IsFloat);
            Assert.Null(limited.Problem());
        }
    }

    [Fact]
    public void TheFactorCapsTheSchemaFirst_ThenTheLimitApplies()
    {
        var histogram = NativeHistogramResolutionFixture(schema: 3);
        var capped = Scraper.LimitHistogram(histogram, Job("    native_histogram_min_bucket_factor: 1.4\n"));
        Assert.Equal(1, capped!.Schema);
        // Already coarse enough: untouched, the same instance.
        Assert.Same(histogram, Scraper.LimitHistogram(histogram, Job("    native_histogram_min_bucket_factor: 1.002\n")));
        Assert.Equal(2, capped.BucketCount);
        Assert.Equal([4L, 0], capped.PositiveDeltas);
        // Capped at 1 first (two buckets), then lowered to 0, where (1, 2] is one bucket, to meet the limit of one.
        var both = Scraper.LimitHistogram(histogram, Job("    native_histogram_min_bucket_factor: 1.4\n    native_histogram_bucket_limit: 1\n"));
        Assert.Equal(0, both!.Schema);
        Assert.Equal([new BucketSpan(1, 1)], both.PositiveSpans);
        Assert.Equal([8L], both.PositiveDeltas);
        // A custom-bucket histogram has no schema to cap.
        var custom = CustomBuckets();
        Assert.Same(custom, Scraper.LimitHistogram(custom, Job("    native_histogram_min_bucket_factor: 4\n")));
    }

    // Eight adjacent buckets at schema 3, one observation each: together (1, 2].
    private static NativeHistogram NativeHistogramResolutionFixture(int schema) => new()
    {
        Schema = schema,
        Sum = 12,
        Count = 8,
        PositiveSpans = [new(1, 8)],
        PositiveDeltas = [1, 0, 0, 0, 0, 0, 0, 0],
    };

    [Fact]
    public async Task AScrapeKeepsTheReducedHistogram_OrFailsWithPrometheusError()
    {
        await using var target = await ProtobufTarget.StartAsync();
        // 0.1 … 100 at schema 3: dozens of buckets.
        var values = Enumerable.Range(1, 1000).Select(i => i / 10.0).ToList();
        target.Publish([Histogram("latency", NativeHistogramObservations.Build(values, schema: 3, zeroThreshold: 0.001))]);
        using var scraper = new Scraper(Scraper.CreateHttpClient());

        var reduced = await scraper.ScrapeAsync(Target(target, "    native_histogram_bucket_limit: 20\n"));
        Assert.True(reduced.Up, reduced.Error);
        var histogram = Assert.Single(reduced.Samples, s => s.IsHistogram).Histogram!;
        Assert.True(histogram.BucketCount <= 20, $"{histogram.BucketCount} buckets");
        Assert.True(histogram.Schema < 3);
        Assert.Equal(1000UL, histogram.Count);
        Assert.Null(histogram.Problem());

        var failed = await scraper.ScrapeAsync(Target(target, "    native_histogram_bucket_limit: 1\n"));
        Assert.False(failed.Up);
        Assert.Equal("histogram bucket limit exceeded", failed.Error);
        Assert.DoesNotContain(failed.Samples, s => s.IsHistogram);
    }

    [Fact]
    public async Task ASampleLimitErrorTakesPrecedenceOverTheBucketLimit()
    {
        await using var target = await ProtobufTarget.StartAsync();
        var counters = new ProtoFamily { Name = "hits_total", Type = ProtoType.Counter };
        for (var i = 0; i < 3; i++)
        {
            var metric = new ProtoMetric { Counter = new() { Value = i } };
            metric.Label.Add(new Core.Exposition.Protobuf.LabelPair { Name = "n", Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            counters.Metric.Add(metric);
        }
        // The histogram comes first and cannot meet the limit; the counters then pass sample_limit.
        target.Publish([Histogram("latency", NativeHistogramObservations.Build([0.5, 1.5, 3], schema: 0, zeroThreshold: 0.001)), counters]);
        using var scraper = new Scraper(Scraper.CreateHttpClient());

        var snapshot = await scraper.ScrapeAsync(Target(target, "    native_histogram_bucket_limit: 1\n    sample_limit: 2\n"));

        Assert.False(snapshot.Up);
        Assert.Equal("sample limit exceeded", snapshot.Error);
    }

    private static ScrapeTarget Target(ProtobufTarget target, string keys) =>
        FederationConfig.Parse($"scrape_configs:\n  - job_name: t\n    scrape_native_histograms: true\n{keys}    static_configs:\n      - targets: ['{target.HostPort}']\n")
            .Targets().Single();

    private static ProtoFamily Histogram(string name, Core.Exposition.Protobuf.Histogram histogram)
    {
        var family = new ProtoFamily { Name = name, Type = ProtoType.Histogram };
        family.Metric.Add(new ProtoMetric { Histogram = histogram });
        return family;
    }
}
