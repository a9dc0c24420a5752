using System.Runtime.InteropServices;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Exposition;

/// <summary>
/// ExpositionDocumentBuilder collects what <see cref="ExpositionReader"/> reads: it turns each series' labels
/// into a <see cref="Labels"/> (sorted in a reused scratch array, so only the final array is allocated),
/// drops repeated series and merges TYPE/HELP/UNIT lines per family.
/// </summary>
internal sealed class ExpositionDocumentBuilder
{
    private readonly Utf8StringCache _strings;
    private readonly List<Sample> _samples;
    private readonly HashSet<Labels> _series;
    private readonly Dictionary<string, int> _familyIndex = new(StringComparer.Ordinal);
    private readonly List<FamilyEntry> _families = [];
    private List<Labels>? _duplicates;
    private Label[] _labels = new Label[16];
    private int _labelCount;
    private byte[] _bytes = new byte[256];

    internal ExpositionDocumentBuilder(Utf8StringCache strings, int expectedSamples)
    {
        _strings = strings;
        var capacity = Math.Clamp(expectedSamples, 4, 1 << 16);
        _samples = new List<Sample>(capacity);
        _series = new HashSet<Labels>(capacity);
    }

    /// <summary>Decodes (and caches) a UTF-8 string.</summary>
    internal string GetString(ReadOnlySpan<byte> utf8) => _strings.Get(utf8);

    /// <summary>A scratch buffer of at least <paramref name="length"/> bytes, valid until the next call.</summary>
    internal Span<byte> ScratchBytes(int length)
    {
        if (_bytes.Length < length) _bytes = new byte[Math.Max(length, _bytes.Length * 2)];
        return _bytes;
    }

    /// <summary>Starts collecting the labels of a new series.</summary>
    internal void BeginSeries() => _labelCount = 0;

    /// <summary>Adds one label of the current series (an empty value is dropped when the series ends).</summary>
    internal void AddLabel(string name, string value)
    {
        if (_labelCount == _labels.Length) Array.Resize(ref _labels, _labels.Length * 2);
        _labels[_labelCount++] = new Label(name, value);
    }

    /// <summary>
    /// Ends the current series with its metric name and value. Returns null when accepted (or dropped as a
    /// repeat), or the name of a label that appeared twice, in which case nothing is recorded.
    /// </summary>
    internal string? AddSample(string metricName, double value, long? timestampMs, NativeHistogram? histogram = null)
    {
        AddLabel(Label.MetricName, metricName);
        var labels = _labels.AsSpan(0, _labelCount);

        SortByName(labels);
        var nonEmpty = 0;
        foreach (var label in labels)
        {
            if (label.Value.Length > 0) nonEmpty++;
        }
        for (var i = 1; i < labels.Length; i++)
        {
            if (string.Equals(labels[i].Name, labels[i - 1].Name, StringComparison.Ordinal)) return labels[i].Name;
        }

        var array = new Label[nonEmpty];
        var n = 0;
        foreach (var label in labels)
        {
            if (label.Value.Length > 0) array[n++] = label;
        }
        var set = Labels.FromSortedUnchecked(array);
        if (_series.Add(set))
        {
            if (nonEmpty < labels.Length) RecordExplicitlyEmpty(_samples.Count, labels);
            _samples.Add(new Sample(set, value, timestampMs, histogram));
        }
        else
        {
            (_duplicates ??= []).Add(set);
            if (KeepLaterPoints) KeepIfLater(set, value, timestampMs, histogram);
        }
        return null;
    }

    /// <summary>
    /// Whether a later point of a series replaces an earlier one with an older timestamp (OpenMetrics, where a
    /// series may list several points in time order: the newest is what the series is now). A point without a
    /// timestamp is at scrape time, so it replaces an earlier point with one (Prometheus stores both and serves
    /// the newer); of two points without timestamps the first stays (Prometheus drops the repeat).
    /// </summary>
    internal bool KeepLaterPoints { get; init; }

    private void KeepIfLater(Labels set, double value, long? timestampMs, NativeHistogram? histogram)
    {
        var index = _samples.FindLastIndex(s => s.Labels.Equals(set));
        if (index < 0 || _samples[index].TimestampMs is not { } earlier) return;
        if (timestampMs is null || timestampMs > earlier) _samples[index] = new Sample(set, value, timestampMs, histogram);
    }

    // Below this many labels insertion sort wins (sets are small and often already sorted); above it a
    // hostile line of many labels in reverse order would make it quadratic.
    private const int InsertionSortLimit = 16;

    /// <summary>Sorts labels by name (ordinal); equal names end up adjacent, which is all the duplicate check needs.</summary>
    private static void SortByName(Span<Label> labels)
    {
        if (labels.Length > InsertionSortLimit)
        {
            labels.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            return;
        }
        for (var i = 1; i < labels.Length; i++)
        {
            var current = labels[i];
            var j = i - 1;
            while (j >= 0 && string.CompareOrdinal(labels[j].Name, current.Name) > 0)
            {
                labels[j + 1] = labels[j];
                j--;
            }
            labels[j + 1] = current;
        }
    }

    // Rare (a federated instance="" is the usual case), so kept out of the sample itself.
    private void RecordExplicitlyEmpty(int sampleIndex, ReadOnlySpan<Label> labels)
    {
        var names = new List<string>(1);
        foreach (var label in labels)
        {
            if (label.Value.Length == 0) names.Add(label.Name);
        }
        (_explicitlyEmpty ??= new Dictionary<int, IReadOnlyCollection<string>>())[sampleIndex] = names;
    }

    /// <summary>Records a TYPE line; a later line for the same family replaces an earlier one.</summary>
    internal void SetType(string family, MetricType type) => Family(family).Type = type;

    /// <summary>Records a HELP line.</summary>
    internal void SetHelp(string family, string help) => Family(family).Help = help;

    /// <summary>Records a UNIT line.</summary>
    internal void SetUnit(string family, string unit) => Family(family).Unit = unit;

    private ref FamilyEntry Family(string name)
    {
        if (!_familyIndex.TryGetValue(name, out var index))
        {
            index = _families.Count;
            _familyIndex.Add(name, index);
            _families.Add(new FamilyEntry { Name = name, Type = MetricType.Unknown, Help = "", Unit = "" });
        }
        return ref CollectionsMarshal.AsSpan(_families)[index];
    }

    /// <summary>The finished document.</summary>
    internal ExpositionDocument Build(ExpositionFormat format) => new()
    {
        Format = format,
        Metadata = _families.ConvertAll(static f => new MetricMetadata(f.Name, f.Type, f.Help, f.Unit)),
        Samples = _samples,
        DuplicateSeries = (IReadOnlyList<Labels>?)_duplicates ?? [],
        ExplicitlyEmptyLabels = (IReadOnlyDictionary<int, IReadOnlyCollection<string>>?)_explicitlyEmpty ?? EmptyMap,
    };

    private static readonly IReadOnlyDictionary<int, IReadOnlyCollection<string>> EmptyMap = new Dictionary<int, IReadOnlyCollection<string>>();
    private Dictionary<int, IReadOnlyCollection<string>>? _explicitlyEmpty;

    private struct FamilyEntry
    {
        public string Name;
        public MetricType Type;
        public string Help;
        public string Unit;
    }
}
