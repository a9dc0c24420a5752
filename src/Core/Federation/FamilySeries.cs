using System.Collections.Concurrent;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Federation;

/// <summary>
/// FamilySeries holds every series of one family across a <see cref="SnapshotSet"/> in the order the family is
/// written (<see cref="SeriesOrder"/>), with postings (label value → positions in that order) built per label on
/// first use, as Prometheus' index keeps its postings sorted by series. A selection walks only the series an
/// equality matcher allows, already in answer order, so nothing is sorted per request.
/// </summary>
internal sealed class FamilySeries
{
    /// <summary>
    /// One series: its sample and its snapshot's scrape time, kept here so a selection reads one array in order rather
    /// than chasing the set, the snapshot and its sample list for each series; and where it comes from (snapshot
    /// position in the set, member name).
    /// </summary>
    public readonly record struct Entry(Sample Sample, long ScrapeTimestampMs, int Snapshot, int Member)
    {
        /// <summary>The series' labels.</summary>
        public Labels Labels => Sample.Labels;
    }

    /// <summary>A snapshot that writes a member name under this family, with its own view of the family's metadata.</summary>
    public readonly record struct Contributor(int Snapshot, int Member, MetricMetadata Family);

    private readonly Entry[] _entries;
    private readonly HashSet<string> _labelNames = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Dictionary<string, int[]>>> _postings = new(StringComparer.Ordinal);

    /// <summary>Collects and sorts the series of <paramref name="members"/> (the names written under <paramref name="family"/>).</summary>
    public FamilySeries(IReadOnlyList<IndexedSnapshot> snapshots, MetricMetadata family, IReadOnlyList<string> members)
    {
        Family = family;
        Members = members;
        var entries = new List<Entry>();
        var contributors = new List<Contributor>();
        for (var position = 0; position < snapshots.Count; position++)
        {
            var indexed = snapshots[position];
            var samples = indexed.Snapshot.Samples;
            for (var member = 0; member < members.Count; member++)
            {
                var named = indexed.SamplesNamed(members[member]);
                if (named.IsEmpty) continue;
                // Metadata counts only from snapshots that put this name in the same family.
                var own = indexed.FamilyOf(named[0]);
                if (own.Name == family.Name) contributors.Add(new Contributor(position, member, own));
                foreach (var i in named) entries.Add(new Entry(samples[i], indexed.Snapshot.ScrapeTimestampMs, position, member));
            }
        }
        var labels = new Labels[entries.Count];
        for (var i = 0; i < labels.Length; i++) labels[i] = entries[i].Labels;
        Order = new SeriesOrder(family.Name, family.Type);
        var sorted = SeriesSorter.Order(labels, Order);
        _entries = new Entry[sorted.Length];
        for (var i = 0; i < sorted.Length; i++) _entries[i] = entries[sorted[i]];
        foreach (var entry in _entries)
        {
            foreach (var label in entry.Labels.AsSpan()) _labelNames.Add(label.Name);
        }
        Contributors = contributors;
    }

    /// <summary>The family as chosen for the set (its type decides the order).</summary>
    public MetricMetadata Family { get; }

    /// <summary>The order <see cref="Entries"/> are in.</summary>
    public SeriesOrder Order { get; }

    /// <summary>The metric names written under this family (an entry's <see cref="Entry.Member"/> indexes them).</summary>
    public IReadOnlyList<string> Members { get; }

    /// <summary>The snapshots' own metadata for this family, by snapshot position, then member.</summary>
    public IReadOnlyList<Contributor> Contributors { get; }

    /// <summary>Every series, in answer order.</summary>
    public ReadOnlySpan<Entry> Entries => _entries;

    /// <summary>Whether any series of the family has the label <paramref name="name"/> (a matcher on any other name sees "" in every series).</summary>
    public bool HasLabel(string name) => _labelNames.Contains(name);

    /// <summary>
    /// The positions (ascending) in <see cref="Entries"/> of the series whose <paramref name="label"/> is <paramref name="value"/>.
    /// Postings are built only for labels the family has, so <c>match[]</c> naming ever new labels cannot grow them.
    /// </summary>
    public int[] Postings(string label, string value)
    {
        if (!HasLabel(label)) return [];
        var byValue = _postings.GetOrAdd(label, static (name, entries) => new Lazy<Dictionary<string, int[]>>(() => Index(entries, name)), _entries).Value;
        return byValue.TryGetValue(value, out var positions) ? positions : [];
    }

    /// <summary>How many labels have postings built.</summary>
    public int IndexedLabelCount => _postings.Count;

    private static Dictionary<string, int[]> Index(Entry[] entries, string label)
    {
        var lists = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Length; i++)
        {
            var value = entries[i].Labels.Get(label);
            if (!lists.TryGetValue(value, out var list)) lists.Add(value, list = []);
            list.Add(i);
        }
        return lists.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }
}
