using FedFunctions.Core.Model;
using FedFunctions.Core.Selectors;

namespace FedFunctions.Core.Federation;

/// <summary>
/// FederationQuery answers a <c>/federate</c> request over target snapshots, as Prometheus'
/// <c>web/federate.go</c> does over its TSDB: the union of every <c>match[]</c> set without duplicates, the
/// newest sample of each series within the lookback window (both ends inclusive), staleness markers
/// dropped, families sorted by name and series sorted within each family. Unlike Prometheus it keeps
/// the scraped TYPE/HELP and groups histograms and summaries under their family name.
/// </summary>
public static class FederationQuery
{
    /// <summary>Prometheus' default <c>--query.lookback-delta</c>.</summary>
    public static readonly TimeSpan DefaultLookback = TimeSpan.FromMinutes(5);

    /// <summary>From how many selected samples the families are sorted in parallel.</summary>
    private const long ParallelSortSamples = 50_000;

    /// <summary>Selects and groups the samples to federate.</summary>
    /// <param name="snapshots">The candidate snapshots (already pruned by the caller where it could).</param>
    /// <param name="selectors">The parsed <c>match[]</c> selectors; none selects nothing.</param>
    /// <param name="nowMs">The evaluation time in ms since the epoch.</param>
    /// <param name="lookback">How far back a sample still counts as current.</param>
    /// <returns>The families to write, sorted by name, each with its series sorted.</returns>
    public static IReadOnlyList<MetricFamily> Select(
        IEnumerable<IndexedSnapshot> snapshots, IReadOnlyList<Selector> selectors, long nowMs, TimeSpan lookback) =>
        Select(snapshots, selectors, nowMs, lookback, out _);

    /// <summary>Selects and groups the samples to federate, and says until when the same snapshots give the same answer.</summary>
    /// <param name="snapshots">The candidate snapshots (already pruned by the caller where it could).</param>
    /// <param name="selectors">The parsed <c>match[]</c> selectors; none selects nothing.</param>
    /// <param name="nowMs">The evaluation time in ms since the epoch.</param>
    /// <param name="lookback">How far back a sample still counts as current.</param>
    /// <param name="unchangedUntilMs">
    /// The last evaluation time (ms) at which these snapshots still select exactly this answer: before a selected
    /// sample leaves the lookback window and before a matching sample stamped in the future enters it.
    /// </param>
    /// <returns>The families to write, sorted by name, each with its series sorted.</returns>
    internal static IReadOnlyList<MetricFamily> Select(
        IEnumerable<IndexedSnapshot> snapshots, IReadOnlyList<Selector> selectors, long nowMs, TimeSpan lookback, out long unchangedUntilMs)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(selectors);
        unchangedUntilMs = long.MaxValue;
        if (selectors.Count == 0) return [];

        var set = snapshots as SnapshotSet ?? new SnapshotSet(snapshots as IReadOnlyList<IndexedSnapshot> ?? snapshots.ToList());
        var window = new Window(nowMs, (long)lookback.TotalMilliseconds);
        var names = FixedNames(selectors);
        var families = (names is null ? null : SelectIndexed(set, names, window)) ?? SelectByScan(set, selectors, names, window);

        var result = new MetricFamily[families.Count];
        long samples = 0;
        foreach (var family in families) samples += family.Samples.Count;
        // Sorting is most of a large answer's time, and families sort independently: on every core for a large one.
        if (samples >= ParallelSortSamples) Parallel.For(0, families.Count, i => result[i] = families[i].Build());
        else
        {
            for (var i = 0; i < families.Count; i++) result[i] = families[i].Build();
        }
        Array.Sort(result, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        unchangedUntilMs = window.UnchangedUntilMs;
        return result;
    }

    /// <summary>Visits every snapshot's samples (or, when every selector names its metric, those names' samples) and collects what matches.</summary>
    private static List<FamilyBuilder> SelectByScan(SnapshotSet set, IReadOnlyList<Selector> selectors, Dictionary<string, List<Selector>>? names, Window window)
    {
        var familyOfName = names is null ? set.ChosenFamilies() : null;
        var families = new Dictionary<string, FamilyBuilder>(StringComparer.Ordinal);
        string? lastName = null;
        FamilyBuilder last = null!;

        foreach (var indexed in set)
        {
            lastName = null; // each snapshot brings its own metadata to merge
            var samples = indexed.Snapshot.Samples;
            if (names is null)
            {
                for (var i = 0; i < samples.Count; i++)
                {
                    if (MatchesAny(selectors, samples[i].Labels)) Consider(indexed, i);
                }
            }
            else
            {
                // Looked up by name: only the selectors of that name are tried, and only their other matchers.
                foreach (var (name, named) in names)
                {
                    foreach (var i in indexed.SamplesNamed(name))
                    {
                        if (MatchesAnyNamed(named, samples[i].Labels)) Consider(indexed, i);
                    }
                }
            }
        }
        return [.. families.Values];

        void Consider(IndexedSnapshot indexed, int index)
        {
            var sample = indexed.Snapshot.Samples[index];
            if (!window.Admit(ref sample, indexed.Snapshot.ScrapeTimestampMs)) return;

            // Consecutive samples mostly share a name (the same interned string): skip the lookups then.
            var name = sample.Labels.MetricName;
            if (!ReferenceEquals(name, lastName))
            {
                var chosen = familyOfName is null ? set.ChosenFamily(name)! : familyOfName[name];
                if (!families.TryGetValue(chosen.Name, out last!))
                {
                    last = new FamilyBuilder(chosen);
                    families.Add(chosen.Name, last);
                }
                // Metadata counts only from snapshots that put this name in the same family.
                var own = indexed.FamilyOf(index);
                if (own.Name == chosen.Name) last.Merge(own);
                lastName = name;
            }
            last.Samples.Add(sample);
        }
    }

    /// <summary>
    /// Selects from the families' series kept in answer order (<see cref="FamilySeries"/>): an equality matcher's
    /// postings give the candidates, and nothing is sorted. Returns null when a family is not indexed (yet): the
    /// caller scans instead. The answer is the scan's, with metadata merged in the same snapshot order.
    /// </summary>
    private static List<FamilyBuilder>? SelectIndexed(SnapshotSet set, Dictionary<string, List<Selector>> names, Window window)
    {
        var asked = new Dictionary<string, (FamilySeries? Series, List<(string Name, int Order, List<Selector> Selectors)> Names)>(StringComparer.Ordinal);
        var order = 0;
        var allIndexed = true;
        foreach (var (name, selectors) in names)
        {
            var chosen = set.ChosenFamily(name);
            order++;
            if (chosen is null) continue;
            if (!asked.TryGetValue(chosen.Name, out var family))
            {
                family = (set.IndexedFamily(chosen), []);
                asked.Add(chosen.Name, family);
                allIndexed &= family.Series is not null;
            }
            family.Names.Add((name, order, selectors));
        }
        if (!allIndexed) return null;

        var result = new List<FamilyBuilder>(asked.Count);
        foreach (var (series, askedNames) in asked.Values)
        {
            var builder = SelectFrom(set, series!, askedNames, names.Count, window);
            if (builder is not null) result.Add(builder);
        }
        return result;
    }

    private static FamilyBuilder? SelectFrom(SnapshotSet set, FamilySeries series, List<(string Name, int Order, List<Selector> Selectors)> askedNames, int nameCount, Window window)
    {
        var memberCount = series.Members.Count;
        // One selector for the family: walk only the series its most selective equality matcher allows.
        var (candidates, satisfied) = askedNames is [{ Selectors: [var only] }] ? BestPostings(series, only) : (null, null);
        var remainingOf = new LabelMatcher[][]?[memberCount];
        var orderOf = new int[memberCount];
        foreach (var (name, order, selectors) in askedNames)
        {
            var member = IndexOf(series, name);
            remainingOf[member] = [.. selectors.Select(s => Remaining(series, s, satisfied)).OfType<LabelMatcher[]>()];
            orderOf[member] = order;
        }

        var entries = series.Entries;
        var samples = new List<Sample>();
        var contributed = new bool[set.Count * memberCount];
        var first = (Key: long.MaxValue, Member: 0);
        var count = candidates?.Length ?? entries.Length;
        for (var k = 0; k < count; k++)
        {
            ref readonly var entry = ref entries[candidates is null ? k : candidates[k]];
            var remaining = remainingOf[entry.Member];
            if (remaining is null || !MatchesAnyRemaining(remaining, entry.Labels)) continue;
            var sample = entry.Sample;
            if (!window.Admit(ref sample, entry.ScrapeTimestampMs)) continue;
            samples.Add(sample);
            contributed[entry.Snapshot * memberCount + entry.Member] = true;
            // The scan creates the family with the chosen metadata of the first name it selects, in snapshot order.
            var key = (long)entry.Snapshot * (nameCount + 1) + orderOf[entry.Member];
            if (key < first.Key) first = (key, entry.Member);
        }
        if (samples.Count == 0) return null;

        var builder = new FamilyBuilder(set.ChosenFamily(series.Members[first.Member])!, samples, series.Order);
        foreach (var contributor in series.Contributors)
        {
            if (contributed[contributor.Snapshot * memberCount + contributor.Member]) builder.Merge(contributor.Family);
        }
        return builder;
    }

    /// <summary>
    /// The matchers of <paramref name="selector"/> still to try on each series of the family, or null when it selects
    /// none of them: the one whose postings gave the candidates holds already, and a matcher on a label no series of
    /// the family has sees "" everywhere, so it is decided once here (<c>{bench="",...}</c> costs nothing per series).
    /// </summary>
    private static LabelMatcher[]? Remaining(FamilySeries series, Selector selector, LabelMatcher? satisfied)
    {
        var remaining = new List<LabelMatcher>();
        foreach (var matcher in selector.MatchersBesidesName)
        {
            if (ReferenceEquals(matcher, satisfied)) continue;
            if (series.HasLabel(matcher.Name)) remaining.Add(matcher);
            else if (!matcher.Matches("")) return null;
        }
        return [.. remaining];
    }

    private static bool MatchesAnyRemaining(LabelMatcher[][] selectors, Labels labels)
    {
        foreach (var matchers in selectors)
        {
            var all = true;
            foreach (var matcher in matchers)
            {
                if (!matcher.Matches(labels.Get(matcher.Name)))
                {
                    all = false;
                    break;
                }
            }
            if (all) return true;
        }
        return false;
    }

    private static int IndexOf(FamilySeries series, string name)
    {
        for (var i = 0; i < series.Members.Count; i++)
        {
            if (series.Members[i] == name) return i;
        }
        throw new InvalidOperationException($"{name} is not written under the family {series.Family.Name}");
    }

    /// <summary>
    /// The shortest postings among the selector's equality matchers on a non-empty value, and that matcher (null: none,
    /// walk every series).
    /// </summary>
    private static (int[]? Postings, LabelMatcher? Matcher) BestPostings(FamilySeries series, Selector selector)
    {
        (int[]? Postings, LabelMatcher? Matcher) best = (null, null);
        foreach (var matcher in selector.Matchers)
        {
            if (matcher.Type != Selectors.MatchType.Equal || matcher.Value.Length == 0 || matcher.Name == Label.MetricName) continue;
            var postings = series.Postings(matcher.Name, matcher.Value);
            if (best.Postings is null || postings.Length < best.Postings.Length) best = (postings, matcher);
        }
        return best;
    }

    /// <summary>The lookback window of one evaluation, and until when the samples it admitted stay the answer.</summary>
    private sealed class Window(long nowMs, long lookbackMs)
    {
        private readonly long _minMs = nowMs - lookbackMs;

        /// <summary>The last evaluation time at which the same snapshots still give the same answer.</summary>
        public long UnchangedUntilMs { get; private set; } = long.MaxValue;

        /// <summary>Whether <paramref name="sample"/> is current (stamping it with its scrape time when it has none).</summary>
        public bool Admit(ref Sample sample, long scrapeTimestampMs)
        {
            var ts = sample.TimestampMs ?? scrapeTimestampMs;
            if (ts > nowMs)
            {
                // Selected once the clock reaches it.
                UnchangedUntilMs = Math.Min(UnchangedUntilMs, ts - 1);
                return false;
            }
            if (ts < _minMs || StaleNaN.IsStale(sample.Value)) return false;
            // Dropped once it is older than the lookback.
            UnchangedUntilMs = Math.Min(UnchangedUntilMs, ts + lookbackMs);
            if (sample.TimestampMs is null) sample = sample with { TimestampMs = ts };
            return true;
        }
    }

    /// <summary>Collects one family's samples from every snapshot, then sorts and de-duplicates them.</summary>
    private sealed class FamilyBuilder(MetricMetadata first, List<Sample>? samples = null, SeriesOrder? sortedBy = null)
    {
        private MetricMetadata _lastMerged = first;

        public MetricMetadata Merged { get; private set; } = first;
        public List<Sample> Samples { get; } = samples ?? [];

        public void Merge(MetricMetadata other)
        {
            if (ReferenceEquals(other, _lastMerged) || ReferenceEquals(other, Merged)) return;
            // Only the type, help and unit merge; the family keeps the name it was created with.
            Merged = FamilyResolver.Merge(Merged, other);
            _lastMerged = other;
        }

        public MetricFamily Build()
        {
            var samples = Samples;
            var order = new SeriesOrder(Merged.Name, Merged.Type);
            // Samples already in the order of the family's type need no sort, unless the merged type orders otherwise.
            if (sortedBy is null || sortedBy.BoundLabel != order.BoundLabel) SeriesSorter.Sort(samples, order);
            // The order puts equal label sets side by side: the same series from two snapshots (two
            // federated sources, say) collapses to its newest sample, so no series is ever written twice.
            var kept = 0;
            for (var i = 0; i < samples.Count; i++)
            {
                if (kept > 0 && samples[kept - 1].Labels.Equals(samples[i].Labels))
                {
                    if (samples[i].TimestampMs > samples[kept - 1].TimestampMs) samples[kept - 1] = samples[i];
                    continue;
                }
                samples[kept++] = samples[i];
            }
            samples.RemoveRange(kept, samples.Count - kept);
            return new MetricFamily(Merged.Name, Merged.Type, Merged.Help, Merged.Unit, samples);
        }
    }

    private static bool MatchesAny(IReadOnlyList<Selector> selectors, Labels labels)
    {
        for (var i = 0; i < selectors.Count; i++)
        {
            if (selectors[i].Matches(labels)) return true;
        }
        return false;
    }

    private static bool MatchesAnyNamed(List<Selector> selectors, Labels labels)
    {
        for (var i = 0; i < selectors.Count; i++)
        {
            if (selectors[i].MatchesNamed(labels)) return true;
        }
        return false;
    }

    /// <summary>When every selector pins the metric name, the selectors of each name; otherwise null (scan everything).</summary>
    private static Dictionary<string, List<Selector>>? FixedNames(IReadOnlyList<Selector> selectors)
    {
        var names = new Dictionary<string, List<Selector>>(StringComparer.Ordinal);
        foreach (var selector in selectors)
        {
            if (selector.MetricName is null) return null;
            if (!names.TryGetValue(selector.MetricName, out var named)) names.Add(selector.MetricName, named = []);
            named.Add(selector);
        }
        return names;
    }
}
