using FedFunctions.Core.Federation;
using FedFunctions.Core.Model;
using FedFunctions.Core.Selectors;

namespace FedFunctions.Core.Tests.Federation;

/// <summary>
/// A selection over a <see cref="SnapshotSet"/> whose families are indexed (<see cref="FamilySeries"/>: series kept in
/// answer order, postings per label value) must answer exactly what a scan of every snapshot answers.
/// </summary>
public sealed class IndexedSelectionTests
{
    private const long Now = 1_700_000_000_000;
    private static readonly TimeSpan Lookback = FederationQuery.DefaultLookback;

    [Fact]
    public void AFamilyIsIndexedWhenASecondSelectionAsksForIt()
    {
        var set = new SnapshotSet([Snapshot(Now - 1000, [], [Sample("a", 1, null, "x", "1")])]);
        var family = set.ChosenFamily("a")!;
        Assert.Null(set.IndexedFamily(family));  // once: a one-off selection scans
        var series = set.IndexedFamily(family);   // twice: indexed, and kept
        Assert.NotNull(series);
        Assert.Same(series, set.IndexedFamily(family));
        Assert.Null(set.ChosenFamily("missing"));
    }

    [Fact]
    public void PostingsAreTheAscendingPositionsOfTheSeriesWithTheValue()
    {
        var set = new SnapshotSet([
            Snapshot(Now - 1000, [], [Sample("m", 1, null, "x", "b", "y", "1"), Sample("m", 2, null, "x", "a", "y", "2")]),
            Snapshot(Now - 1000, [], [Sample("m", 3, null, "x", "a", "y", "1"), Sample("m", 4, null, "x", "c")]),
        ]);
        var family = set.ChosenFamily("m")!;
        set.IndexedFamily(family);
        var series = set.IndexedFamily(family)!;
        var entries = series.Entries.ToArray();
        Assert.Equal(["a", "a", "b", "c"], entries.Select(e => e.Labels.Get("x")));

        foreach (var (label, value) in new[] { ("x", "a"), ("y", "1"), ("y", "2"), ("x", "c") })
        {
            var expected = Enumerable.Range(0, entries.Length).Where(i => entries[i].Labels.Get(label) == value);
            Assert.Equal(expected, series.Postings(label, value));
        }
        Assert.Empty(series.Postings("x", "none"));
        Assert.Empty(series.Postings("none", "a"));
    }

    [Fact]
    public void PostingsAreBuiltOnlyForLabelsTheFamilyHas()
    {
        // match[] may name ever new labels (m{bench_1="a"}, m{bench_2="a"}, ...): none of them may leave an index behind.
        var set = new SnapshotSet([Snapshot(Now - 1000, [], [Sample("m", 1, null, "x", "a"), Sample("m", 2, null, "x", "b")])]);
        var family = set.ChosenFamily("m")!;
        set.IndexedFamily(family);
        var series = set.IndexedFamily(family)!;
        for (var i = 0; i < 100; i++)
        {
            var selectors = SelectorParser.ParseMany([$"m{{bench_{i}=\"a\"}}"]);
            Assert.Empty(FederationQuery.Select(set, selectors, Now, Lookback));
        }
        Assert.Equal(0, series.IndexedLabelCount);
        Assert.Single(FederationQuery.Select(set, SelectorParser.ParseMany(["m{x=\"b\"}"]), Now, Lookback));
        Assert.Equal(1, series.IndexedLabelCount);
    }

    [Fact]
    public void TheFamilysMetadataStartsFromTheFirstTargetThatSelectsOneOfItsNames()
    {
        // Target A sends only h_sum, B only h_bucket, with different help: the answer's help is A's, the first in list
        // order, though h_bucket is asked first. A scan meets A first; the index must pick the same.
        var snapshots = new[]
        {
            Snapshot(Now - 1000, [new MetricMetadata("h", MetricType.Histogram, "from A", "")], [Sample("h_sum", 1, null, "instance", "a")]),
            Snapshot(Now - 1000, [new MetricMetadata("h", MetricType.Histogram, "from B", "")], [Sample("h_bucket", 2, null, "instance", "b", "le", "+Inf")]),
        };
        var selectors = SelectorParser.ParseMany(["h_bucket", "h_sum"]);
        var set = new SnapshotSet(snapshots);
        foreach (var _ in new[] { "scanned", "indexed" })
        {
            var family = Assert.Single(FederationQuery.Select(set, selectors, Now, Lookback));
            Assert.Equal("from A", family.Help);
            Assert.Equal(2, family.Samples.Count);
        }
        Assert.Equal(1, set.IndexedFamilyCount);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void AnIndexedSelectionAnswersWhatAScanAnswers(int seed)
    {
        var random = new Random(seed);
        var snapshots = Enumerable.Range(0, random.Next(1, 7)).Select(_ => RandomSnapshot(random)).ToArray();
        var set = new SnapshotSet(snapshots);
        for (var round = 0; round < 6; round++)
        {
            var selectors = SelectorParser.ParseMany([.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => RandomSelector(random))]);
            // A fresh set always scans; the shared set scans once per family, then answers from its index.
            var scanned = FederationQuery.Select(snapshots.ToList(), selectors, Now, Lookback, out var scannedUntil);
            var first = FederationQuery.Select(set, selectors, Now, Lookback, out var firstUntil);
            var indexed = FederationQuery.Select(set, selectors, Now, Lookback, out var indexedUntil);

            var text = string.Join(" ", selectors.Select(s => s.Text));
            Assert.True(Describe(scanned) == Describe(first), $"seed {seed}, {text}: first selection differs");
            Assert.True(Describe(scanned) == Describe(indexed), $"seed {seed}, {text}:\nscan:\n{Describe(scanned)}\nindexed:\n{Describe(indexed)}");
            Assert.Equal(scannedUntil, firstUntil);
            Assert.Equal(scannedUntil, indexedUntil);
        }
        Assert.True(set.IndexedFamilyCount > 0);
    }

    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (var seed = 1; seed <= 60; seed++) seeds.Add(seed);
        return seeds;
    }

    private static readonly string[] Instances = ["i1", "i2", "i3"];
    private static readonly string[] Values = ["a", "b", "c", ""];
    private static readonly string[] Helps = ["", "help one", "help two"];

    /// <summary>A target's snapshot with a random choice of families, types, helps, labels, timestamps and stale markers.</summary>
    private static IndexedSnapshot RandomSnapshot(Random random)
    {
        var instance = Instances[random.Next(Instances.Length)];
        var scrapeMs = Now - random.Next(0, 2000);
        var metadata = new List<MetricMetadata>();
        var samples = new List<Sample>();
        foreach (var name in new[] { "c", "g", "h", "s", "u" })
        {
            if (random.Next(4) == 0) continue;
            // Targets may disagree on the type and help of a family, or send none.
            var type = random.Next(6) switch
            {
                0 => MetricType.Unknown,
                1 => MetricType.Gauge,
                _ => name switch { "c" => MetricType.Counter, "g" => MetricType.Gauge, "h" => MetricType.Histogram, "s" => MetricType.Summary, _ => MetricType.Unknown },
            };
            if (random.Next(5) > 0) metadata.Add(new MetricMetadata(name, type, Helps[random.Next(Helps.Length)], ""));
            for (var series = random.Next(1, 4); series > 0; series--)
            {
                string[] labels = ["instance", instance, "x", Values[random.Next(Values.Length)], "y", Values[random.Next(Values.Length)]];
                switch (name)
                {
                    case "h":
                        // Some targets send a histogram's buckets without its sum, so names of one family may be chosen from different targets.
                        if (random.Next(3) > 0) foreach (var le in new[] { "0.5", "1", "+Inf" }) samples.Add(Sample("h_bucket", Timestamp(random), scrapeMs, [.. labels, "le", le]));
                        if (random.Next(3) > 0) samples.Add(Sample("h_sum", Timestamp(random), scrapeMs, labels));
                        samples.Add(Sample("h_count", Timestamp(random), scrapeMs, labels));
                        break;
                    case "s":
                        foreach (var q in new[] { "0.9", "0.5" }) samples.Add(Sample("s", Timestamp(random), scrapeMs, [.. labels, "quantile", q]));
                        samples.Add(Sample("s_sum", Timestamp(random), scrapeMs, labels));
                        samples.Add(Sample("s_count", Timestamp(random), scrapeMs, labels));
                        break;
                    default:
                        var sample = Sample(name, Timestamp(random), scrapeMs, labels);
                        samples.Add(random.Next(4) == 0 ? sample with { Value = StaleNaN.Value } : sample);
                        break;
                }
            }
        }
        // A snapshot holds each series once.
        var distinct = samples.DistinctBy(s => s.Labels).ToList();
        return Snapshot(scrapeMs, metadata, distinct);
    }

    /// <summary>No timestamp (the scrape's), a recent one, one older than the lookback, or one in the future.</summary>
    private static long? Timestamp(Random random) => random.Next(6) switch
    {
        0 => Now - 500,
        1 => Now - (long)Lookback.TotalMilliseconds - 1,
        2 => Now + 5000,
        3 => Now - random.Next(0, 3) * 1000,
        _ => null,
    };

    private static readonly string[] Names = ["c", "g", "h", "h_bucket", "h_sum", "h_count", "s", "s_sum", "s_count", "u", "missing"];
    // z is a label no series has: matchers on it are decided once per family, not per series.
    private static readonly string[] Matchers = ["", "x=\"a\"", "x=\"b\"", "y=\"\"", "x!=\"a\"", "y=~\"a|b\"", "instance=\"i2\"", "le=\"1\"", "x=\"a\",y=\"b\"", "z=\"\"",
        "z=\"a\"", "z!=\"a\"", "x=\"a\",z=~\"a?\"", "x=\"b\",z!~\"\"", "x=\"a\",x=~\"a|b\""];

    private static string RandomSelector(Random random)
    {
        var name = Names[random.Next(Names.Length)];
        var matchers = Matchers[random.Next(Matchers.Length)];
        return random.Next(5) == 0 ? $"{{__name__=\"{name}\"{(matchers.Length > 0 ? "," + matchers : "")}}}" : $"{name}{{{matchers}}}";
    }

    private static Sample Sample(string name, double value, long? ts, params string[] labels) =>
        new(Labels.Of(["__name__", name, .. labels]), value, ts);

    /// <summary>
    /// A sample whose value follows from its series and time: when two targets send the same series at the same time,
    /// which one an answer keeps is not defined, so the two must be alike.
    /// </summary>
    private static Sample Sample(string name, long? ts, long scrapeMs, params string[] labels)
    {
        var series = Labels.Of(["__name__", name, .. labels]);
        return new Sample(series, (uint)HashCode.Combine(series, ts ?? scrapeMs) % 100, ts);
    }

    private static IndexedSnapshot Snapshot(long scrapeMs, IReadOnlyList<MetricMetadata> metadata, IReadOnlyList<Sample> samples) =>
        new(new TargetSnapshot
        {
            TargetLabels = Labels.Of("job", "j"),
            ScrapeTimestampMs = scrapeMs,
            Up = true,
            Metadata = metadata,
            Samples = samples,
        });

    private static string Describe(IReadOnlyList<MetricFamily> families) => string.Join("\n", families.Select(f =>
        $"# {f.Name} {f.Type} '{f.Help}' '{f.Unit}'\n" + string.Join("\n", f.Samples.Select(s => $"{s.Labels} {BitConverter.DoubleToInt64Bits(s.Value)} {s.TimestampMs}"))));
}
