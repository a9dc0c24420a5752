using FedFunctions.Core.Model;

namespace FedFunctions.Core.Federation;

/// <summary>
/// IndexedSnapshot is a decoded target snapshot prepared for queries: each sample's family is resolved
/// once, and samples are grouped by metric name so a selector with a fixed name touches only its series.
/// Build it once per stored snapshot version and reuse it across requests.
/// </summary>
public sealed class IndexedSnapshot
{
    private readonly MetricMetadata[] _familyOfSample;
    private readonly Dictionary<string, int[]> _samplesByName;

    /// <summary>Indexes <paramref name="snapshot"/>.</summary>
    public IndexedSnapshot(TargetSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Snapshot = snapshot;

        var metadata = new Dictionary<string, MetricMetadata>(snapshot.Metadata.Count, StringComparer.Ordinal);
        foreach (var m in snapshot.Metadata) metadata.TryAdd(m.Name, m);

        var samples = snapshot.Samples;
        _familyOfSample = new MetricMetadata[samples.Count];
        var byName = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var families = new Dictionary<string, MetricMetadata>(StringComparer.Ordinal);
        for (var i = 0; i < samples.Count; i++)
        {
            var name = samples[i].Labels.MetricName;
            if (!byName.TryGetValue(name, out var list))
            {
                list = new List<int>();
                byName.Add(name, list);
                families[name] = FamilyResolver.Resolve(name, metadata);
            }
            list.Add(i);
            _familyOfSample[i] = families[name];
        }
        _samplesByName = byName.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
        FamilyByName = families;
    }

    /// <summary>The family each metric name of this snapshot is written under.</summary>
    public IReadOnlyDictionary<string, MetricMetadata> FamilyByName { get; }

    /// <summary>The snapshot itself.</summary>
    public TargetSnapshot Snapshot { get; }

    /// <summary>The family the sample at <paramref name="index"/> is written under.</summary>
    public MetricMetadata FamilyOf(int index) => _familyOfSample[index];

    /// <summary>The indexes of the samples named <paramref name="metricName"/> (empty when none).</summary>
    public ReadOnlySpan<int> SamplesNamed(string metricName) =>
        _samplesByName.TryGetValue(metricName, out var indexes) ? indexes : ReadOnlySpan<int>.Empty;
}
