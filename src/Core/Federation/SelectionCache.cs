using FedFunctions.Core.Model;

namespace FedFunctions.Core.Federation;

/// <summary>
/// SelectionCache keeps the last few <c>/federate</c> selections, each for the snapshot list it was selected from,
/// so the same <c>match[]</c> asked again before the snapshots change is not selected and sorted again: the two
/// servers of a Prometheus HA pair federating the same series, or several federators sharing a selector. A
/// selection is reused only while <see cref="SnapshotCache"/> hands out the very same list (it keeps the list's
/// identity while no snapshot changed) and while the clock has not moved a selected sample out of the lookback.
/// Memory is bounded over all entries by <see cref="MaxSamples"/>, or by the samples of the snapshots a selection was
/// made from when they are more: kept selections then hold at most one more copy of each sample (the labels are
/// shared), so "everything" is kept at any scale. A larger selection is never kept.
/// </summary>
internal sealed class SelectionCache(int capacity = 16, long maxSamples = 1_000_000)
{
    private sealed record Entry(IReadOnlyList<IndexedSnapshot> Snapshots, long UnchangedUntilMs, IReadOnlyList<MetricFamily> Families, long Samples, long Used);

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _samples;
    private long _uses;

    /// <summary>How many samples all kept selections may hold together.</summary>
    public long MaxSamples { get; } = maxSamples;

    /// <summary>The kept selection for <paramref name="key"/>, if it was made from <paramref name="snapshots"/> and still holds at <paramref name="nowMs"/>.</summary>
    public IReadOnlyList<MetricFamily>? Get(string key, IReadOnlyList<IndexedSnapshot> snapshots, long nowMs)
    {
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out var entry)) return null;
            if (!ReferenceEquals(entry.Snapshots, snapshots) || nowMs > entry.UnchangedUntilMs)
            {
                Remove(key, entry);
                return null;
            }
            _entries[key] = entry with { Used = ++_uses };
            return entry.Families;
        }
    }

    /// <summary>Keeps a selection, evicting the least recently used ones past the capacity or the sample budget.</summary>
    public void Put(string key, IReadOnlyList<IndexedSnapshot> snapshots, long unchangedUntilMs, IReadOnlyList<MetricFamily> families)
    {
        long samples = 0;
        foreach (var family in families) samples += family.Samples.Count;
        var budget = Math.Max(MaxSamples, snapshots is SnapshotSet set ? set.SampleCount : snapshots.Sum(s => (long)s.Snapshot.Samples.Count));
        if (samples > budget) return;
        lock (_entries)
        {
            if (_entries.TryGetValue(key, out var old)) Remove(key, old);
            while (_entries.Count > 0 && (_entries.Count >= capacity || _samples + samples > budget))
            {
                var oldest = _entries.MinBy(e => e.Value.Used);
                Remove(oldest.Key, oldest.Value);
            }
            _entries[key] = new Entry(snapshots, unchangedUntilMs, families, samples, ++_uses);
            _samples += samples;
        }
    }

    /// <summary>How many selections are kept.</summary>
    public int Count
    {
        get
        {
            lock (_entries) return _entries.Count;
        }
    }

    private void Remove(string key, Entry entry)
    {
        _entries.Remove(key);
        _samples -= entry.Samples;
    }
}
