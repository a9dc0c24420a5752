using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;

namespace FedFunctions.Core.Model;

/// <summary>
/// Labels is an immutable label set, sorted by name with unique names and no empty values, as in
/// Prometheus' <c>model/labels</c>: an empty value means "unset". The hash is computed once, so sets
/// are cheap to compare, hash and use as dictionary keys.
/// </summary>
public sealed class Labels : IReadOnlyList<Label>, IEquatable<Labels>, IComparable<Labels>
{
    private readonly Label[] _labels;
    private readonly int _hash;

    /// <summary>The empty label set.</summary>
    public static readonly Labels Empty = new([]);

    private Labels(Label[] sortedUnique) : this(sortedUnique, HashOf(sortedUnique)) { }

    private Labels(Label[] sortedUnique, int hash)
    {
        _labels = sortedUnique;
        _hash = hash;
    }

    /// <summary>
    /// The hash of a label set: the ordinal string hashes of each name and value, combined in order.
    /// Readers that already know the string hashes (a snapshot's string table) combine them the same way.
    /// </summary>
    private static int HashOf(ReadOnlySpan<Label> sortedUnique)
    {
        var hash = new HashCode();
        foreach (var label in sortedUnique)
        {
            hash.Add(StringComparer.Ordinal.GetHashCode(label.Name));
            hash.Add(StringComparer.Ordinal.GetHashCode(label.Value));
        }
        return hash.ToHashCode();
    }

    /// <summary>Builds a label set from pairs in any order; empty values are dropped.</summary>
    /// <exception cref="ArgumentException">Two labels have the same name.</exception>
    public static Labels From(IEnumerable<Label> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var list = new List<Label>();
        foreach (var label in labels)
        {
            if (label.Value.Length > 0) list.Add(label);
        }
        return FromList(list);
    }

    /// <summary>Builds a label set from name, value, name, value, ... (convenient in tests).</summary>
    public static Labels Of(params string[] namesAndValues)
    {
        if (namesAndValues.Length % 2 != 0) throw new ArgumentException("expected name/value pairs", nameof(namesAndValues));
        var list = new List<Label>(namesAndValues.Length / 2);
        for (var i = 0; i < namesAndValues.Length; i += 2)
        {
            if (namesAndValues[i + 1].Length > 0) list.Add(new Label(namesAndValues[i], namesAndValues[i + 1]));
        }
        return FromList(list);
    }

    internal static Labels FromList(List<Label> list)
    {
        if (list.Count == 0) return Empty;
        var array = list.ToArray();
        Array.Sort(array, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (var i = 1; i < array.Length; i++)
        {
            if (array[i].Name == array[i - 1].Name)
                throw new ArgumentException($"duplicate label name \"{array[i].Name}\"");
        }
        return new Labels(array);
    }

    /// <summary>Wraps an array that the caller guarantees is sorted by name, unique and has no empty value.</summary>
    internal static Labels FromSortedUnchecked(Label[] sortedUnique) => sortedUnique.Length == 0 ? Empty : new Labels(sortedUnique);

    /// <summary>
    /// As <see cref="FromSortedUnchecked(Label[])"/>, with the hash already computed: each label's
    /// <c>StringComparer.Ordinal</c> name hash then value hash, added in order to one <see cref="HashCode"/>.
    /// </summary>
    internal static Labels FromSortedUnchecked(Label[] sortedUnique, int hash) => sortedUnique.Length == 0 ? Empty : new Labels(sortedUnique, hash);

    /// <summary>The number of labels.</summary>
    public int Count => _labels.Length;

    /// <summary>The label at <paramref name="index"/> in name order.</summary>
    public Label this[int index] => _labels[index];

    /// <summary>The labels in name order, without copying.</summary>
    public ReadOnlySpan<Label> AsSpan() => _labels;

    /// <summary>The value of <c>__name__</c>, or "" when there is none.</summary>
    public string MetricName => Get(Label.MetricName);

    /// <summary>The value of the label <paramref name="name"/>, or "" when absent (absent and empty are the same).</summary>
    public string Get(string name)
    {
        var labels = _labels;
        // Label sets are small; a linear scan beats binary search below ~16 entries.
        for (var i = 0; i < labels.Length; i++)
        {
            var cmp = string.CompareOrdinal(labels[i].Name, name);
            if (cmp == 0) return labels[i].Value;
            if (cmp > 0) break;
        }
        return "";
    }

    /// <summary>Whether a label named <paramref name="name"/> is present.</summary>
    public bool Has(string name) => Get(name).Length > 0;

    /// <summary>Starts a builder seeded with these labels.</summary>
    public LabelsBuilder ToBuilder() => new(this);

    /// <inheritdoc />
    public bool Equals(Labels? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other._hash != _hash || other._labels.Length != _labels.Length) return false;
        for (var i = 0; i < _labels.Length; i++)
        {
            if (!string.Equals(_labels[i].Name, other._labels[i].Name, StringComparison.Ordinal) ||
                !string.Equals(_labels[i].Value, other._labels[i].Value, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    /// <summary>Orders label sets as Prometheus' <c>labels.Compare</c>: pairwise by name, then value, then length.</summary>
    public static bool operator <(Labels? left, Labels? right) => Compare(left, right) < 0;
    public static bool operator <=(Labels? left, Labels? right) => Compare(left, right) <= 0;
    public static bool operator >(Labels? left, Labels? right) => Compare(left, right) > 0;
    public static bool operator >=(Labels? left, Labels? right) => Compare(left, right) >= 0;

    private static int Compare(Labels? left, Labels? right) => left is null ? (right is null ? 0 : -1) : left.CompareTo(right);

    public int CompareTo(Labels? other)
    {
        if (other is null) return 1;
        var n = Math.Min(_labels.Length, other._labels.Length);
        for (var i = 0; i < n; i++)
        {
            var c = string.CompareOrdinal(_labels[i].Name, other._labels[i].Name);
            if (c != 0) return c;
            c = string.CompareOrdinal(_labels[i].Value, other._labels[i].Value);
            if (c != 0) return c;
        }
        return _labels.Length.CompareTo(other._labels.Length);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Labels other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <summary>
    /// Formats as <c>{a="1", b="2"}</c>, the form Prometheus 3 uses in messages: values escaped, and names outside
    /// the classic syntax quoted (<c>{"my.name"="1"}</c>). For messages only; stored keys use TargetKeyEncoding.
    /// </summary>
    public override string ToString()
    {
        var sb = new StringBuilder("{");
        for (var i = 0; i < _labels.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            var name = _labels[i].Name;
            if (LegacyNames.IsLabelName(name)) sb.Append(name);
            else sb.Append('"').AppendEscaped(name).Append('"');
            sb.Append("=\"").AppendEscaped(_labels[i].Value).Append('"');
        }
        return sb.Append('}').ToString();
    }

    /// <inheritdoc />
    public IEnumerator<Label> GetEnumerator() => ((IEnumerable<Label>)_labels).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _labels.GetEnumerator();

    /// <summary>Equality of label sets.</summary>
    public static bool operator ==(Labels? a, Labels? b) => a is null ? b is null : a.Equals(b);

    /// <summary>Inequality of label sets.</summary>
    public static bool operator !=(Labels? a, Labels? b) => !(a == b);
}
