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

        var lookbackMs = (long)lookback.TotalMilliseconds;
        var minMs = nowMs - lookbackMs;
        var until = long.MaxValue;
        var names = FixedNames(selectors);
        var list = snapshots as IReadOnlyCollection<IndexedSnapshot> ?? snapshots.ToList();
        var familyOfName = ChooseFamilies(list, names);
        var families = new Dictionary<string, FamilyBuilder>(StringComparer.Ordinal);
        string? lastName = null;
        FamilyBuilder last = null!;

        foreach (var indexed in list)
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

        var result = new List<MetricFamily>(families.Count);
        foreach (var family in families.Values) result.Add(family.Build());
        result.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        unchangedUntilMs = until;
        return result;

        void Consider(IndexedSnapshot indexed, int index)
        {
            var sample = indexed.Snapshot.Samples[index];
            var ts = sample.TimestampMs ?? indexed.Snapshot.ScrapeTimestampMs;
            if (ts > nowMs)
            {
                // Selected once the clock reaches it.
                until = Math.Min(until, ts - 1);
                return;
            }
            if (ts < minMs || StaleNaN.IsStale(sample.Value)) return;
            // Dropped once it is older than the lookback.
            until = Math.Min(until, ts + lookbackMs);
            if (sample.TimestampMs is null) sample = sample with { TimestampMs = ts };

            // Consecutive samples mostly share a name (the same interned string): skip the lookups then.
            var name = sample.Labels.MetricName;
            if (!ReferenceEquals(name, lastName))
            {
                var chosen = familyOfName[name];
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
    /// Decides, for every metric name, the one family all its series are written under, whatever the order
    /// of the snapshots: a family some target declared (histogram <c>x</c> for <c>x_bucket</c>) wins over the
    /// untyped fallback of a target that sent no TYPE. Otherwise the same series could land in two families.
    /// </summary>
    private static Dictionary<string, MetricMetadata> ChooseFamilies(IEnumerable<IndexedSnapshot> snapshots, Dictionary<string, List<Selector>>? names)
    {
        var chosen = new Dictionary<string, MetricMetadata>(StringComparer.Ordinal);
        foreach (var indexed in snapshots)
        {
            if (names is null)
            {
                foreach (var (name, family) in indexed.FamilyByName) Offer(name, family);
            }
            else
            {
                foreach (var name in names.Keys)
                {
                    if (indexed.FamilyByName.TryGetValue(name, out var family)) Offer(name, family);
                }
            }
        }
        return chosen;

        void Offer(string name, MetricMetadata family)
        {
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(chosen, name, out var exists);
            if (!exists || (IsFallback(slot!, name) && !IsFallback(family, name))) slot = family;
        }

        static bool IsFallback(MetricMetadata family, string name) => family.Type == MetricType.Unknown && family.Name == name;
    }

    /// <summary>Collects one family's samples from every snapshot, then sorts and de-duplicates them.</summary>
    private sealed class FamilyBuilder(MetricMetadata first)
    {
        private MetricMetadata _lastMerged = first;

        public MetricMetadata Merged { get; private set; } = first;
        public List<Sample> Samples { get; } = [];

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
            samples.Sort(new SeriesOrder(Merged.Name, Merged.Type));
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
