using System.Collections;
using System.Collections.Concurrent;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Federation;

/// <summary>
/// SnapshotSet is one listing of snapshots together with what queries derive from it and may share: the family
/// each metric name is written under, and, for a family asked for more than once, its series in answer order
/// (<see cref="FamilySeries"/>). <see cref="SnapshotCache"/> hands out the same set while no snapshot changed, so
/// different <c>match[]</c> sets over unchanged snapshots (several federators) do not redo that work.
/// </summary>
internal sealed class SnapshotSet : IReadOnlyList<IndexedSnapshot>
{
    private readonly IReadOnlyList<IndexedSnapshot> _snapshots;
    private readonly ConcurrentDictionary<string, MetricMetadata?> _chosen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<FamilySeries>> _families = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _asked = new(StringComparer.Ordinal);
    private Dictionary<string, MetricMetadata>? _allChosen;

    public SnapshotSet(IReadOnlyList<IndexedSnapshot> snapshots) => _snapshots = snapshots;

    public int Count => _snapshots.Count;

    public IndexedSnapshot this[int index] => _snapshots[index];

    /// <summary>The family <paramref name="name"/> is written under, whichever snapshot it comes from; null when no snapshot has it.</summary>
    public MetricMetadata? ChosenFamily(string name) =>
        _allChosen is { } all ? all.GetValueOrDefault(name) : _chosen.GetOrAdd(name, static (n, set) => set.Choose(n), this);

    /// <summary>The family of every metric name in the set (for selectors that do not name their metric).</summary>
    public IReadOnlyDictionary<string, MetricMetadata> ChosenFamilies()
    {
        if (_allChosen is { } all) return all;
        var chosen = new Dictionary<string, MetricMetadata>(StringComparer.Ordinal);
        foreach (var indexed in _snapshots)
        {
            foreach (var (name, family) in indexed.FamilyByName) Offer(chosen, name, family);
        }
        return _allChosen = chosen;
    }

    /// <summary>
    /// The series of the family <paramref name="family"/> in answer order, or null the first time it is asked for: a
    /// selection made once is cheaper than sorting the whole family, so the family is indexed when a second selection
    /// over the same snapshots wants it.
    /// </summary>
    public FamilySeries? IndexedFamily(MetricMetadata family)
    {
        if (_families.TryGetValue(family.Name, out var built)) return built.Value;
        if (_asked.TryAdd(family.Name, true)) return null;
        return _families.GetOrAdd(family.Name, static (_, arg) => new Lazy<FamilySeries>(() => arg.Set.BuildFamily(arg.Family)), (Set: this, Family: family)).Value;
    }

    /// <summary>How many samples the snapshots hold together.</summary>
    public long SampleCount => _sampleCount ??= _snapshots.Sum(s => (long)s.Snapshot.Samples.Count);

    private long? _sampleCount;

    /// <summary>How many families are indexed.</summary>
    public int IndexedFamilyCount => _families.Count;

    private FamilySeries BuildFamily(MetricMetadata family)
    {
        var members = FamilyResolver.MemberCandidates(family.Name).Where(n => ChosenFamily(n)?.Name == family.Name).ToArray();
        return new FamilySeries(_snapshots, family, members);
    }

    private MetricMetadata? Choose(string name)
    {
        var chosen = new Dictionary<string, MetricMetadata>(1, StringComparer.Ordinal);
        foreach (var indexed in _snapshots)
        {
            if (indexed.FamilyByName.TryGetValue(name, out var family)) Offer(chosen, name, family);
        }
        return chosen.GetValueOrDefault(name);
    }

    /// <summary>
    /// Decides, for every metric name, the one family all its series are written under, whatever the order of the
    /// snapshots: a family some target declared (histogram <c>x</c> for <c>x_bucket</c>) wins over the untyped fallback
    /// of a target that sent no TYPE. Otherwise the same series could land in two families.
    /// </summary>
    private static void Offer(Dictionary<string, MetricMetadata> chosen, string name, MetricMetadata family)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(chosen, name, out var exists);
        if (!exists || (IsFallback(slot!, name) && !IsFallback(family, name))) slot = family;

        static bool IsFallback(MetricMetadata family, string name) => family.Type == MetricType.Unknown && family.Name == name;
    }

    public IEnumerator<IndexedSnapshot> GetEnumerator() => _snapshots.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
