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
        IEnumerable<IndexedSnapshot> snapshots, IReadOnlyList<Selector> selectors, long nowMs, TimeSpan lookback)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(selectors);
        if (selectors.Count == 0) return [];

        var minMs = nowMs - (long)lookback.TotalMilliseconds;
        var names = FixedNames(selectors);
        var chosen = new Dictionary<Labels, (Sample Sample, MetricMetadata Family)>();

        foreach (var indexed in snapshots)
        {
            var samples = indexed.Snapshot.Samples;
            if (names is null)
            {
                for (var i = 0; i < samples.Count; i++) Consider(indexed, i);
            }
            else
            {
                foreach (var name in names)
                {
                    foreach (var i in indexed.SamplesNamed(name)) Consider(indexed, i);
                }
            }
        }

        return Group(chosen.Values);

        void Consider(IndexedSnapshot indexed, int index)
        {
            var sample = indexed.Snapshot.Samples[index];
            var ts = sample.TimestampMs ?? indexed.Snapshot.ScrapeTimestampMs;
            if (ts < minMs || ts > nowMs || StaleNaN.IsStale(sample.Value)) return;
            if (!MatchesAny(selectors, sample.Labels)) return;
            if (sample.TimestampMs is null) sample = sample with { TimestampMs = ts };
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(chosen, sample.Labels, out var exists);
            // The same series from two targets (for example two federated sources): the newest sample wins.
            if (!exists || slot.Sample.TimestampMs < ts) slot = (sample, indexed.FamilyOf(index));
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

    /// <summary>When every selector pins the metric name, the set of names; otherwise null (scan everything).</summary>
    private static HashSet<string>? FixedNames(IReadOnlyList<Selector> selectors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var selector in selectors)
        {
            if (selector.MetricName is null) return null;
            names.Add(selector.MetricName);
        }
        return names;
    }

    private static List<MetricFamily> Group(IEnumerable<(Sample Sample, MetricMetadata Family)> chosen)
    {
        var families = new Dictionary<string, (MetricMetadata Meta, List<Sample> Samples)>(StringComparer.Ordinal);
        foreach (var (sample, family) in chosen)
        {
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(families, family.Name, out var exists);
            if (!exists) slot = (family, new List<Sample>());
            else if (!ReferenceEquals(slot.Meta, family)) slot.Meta = FamilyResolver.Merge(slot.Meta, family);
            slot.Samples.Add(sample);
        }

        var result = new List<MetricFamily>(families.Count);
        foreach (var (name, (meta, samples)) in families)
        {
            samples.Sort(new SeriesOrder(name, meta.Type));
            result.Add(new MetricFamily(name, meta.Type, meta.Help, meta.Unit, samples));
        }
        result.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }
}
