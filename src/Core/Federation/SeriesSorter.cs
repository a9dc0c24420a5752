using FedFunctions.Core.Model;

namespace FedFunctions.Core.Federation;

/// <summary>
/// SeriesSorter sorts a family's series in <see cref="SeriesOrder"/> with few label comparisons. Comparing two label
/// sets follows references to each label's strings, scattered over every snapshot's memory: sorting a million series
/// that way is mostly cache misses. When the series share one sequence of label names (the usual family), the order is
/// that of their label values in turn, so each series gets a key of its first value characters after the prefix all
/// series share at that label (<c>127.0.0.1:</c> of every <c>instance</c>, say). Keys decide most comparisons from
/// one contiguous array; equal keys fall back to the full comparison, so the order is exactly <see cref="SeriesOrder"/>'s.
/// </summary>
internal static class SeriesSorter
{
    /// <summary>Below this many series a plain sort is as fast.</summary>
    private const int KeyedFrom = 64;

    /// <summary>The characters a key holds (four per <see cref="ulong"/>).</summary>
    private const int KeyChars = 8;

    /// <summary>Sorts <paramref name="samples"/> in place.</summary>
    public static void Sort(List<Sample> samples, SeriesOrder order)
    {
        if (samples.Count < KeyedFrom)
        {
            samples.Sort(order);
            return;
        }
        var labels = new Labels[samples.Count];
        for (var i = 0; i < labels.Length; i++) labels[i] = samples[i].Labels;
        var permutation = Order(labels, order);
        var sorted = new Sample[samples.Count];
        for (var i = 0; i < sorted.Length; i++) sorted[i] = samples[permutation[i]];
        samples.Clear();
        samples.AddRange(sorted);
    }

    /// <summary>The positions of <paramref name="labels"/> in sorted order.</summary>
    public static int[] Order(Labels[] labels, SeriesOrder order)
    {
        var keys = labels.Length >= KeyedFrom ? Keys(labels, order) : null;
        if (keys is null)
        {
            var positions = new int[labels.Length];
            for (var i = 0; i < positions.Length; i++) positions[i] = i;
            Array.Sort(positions, (a, b) => order.Compare(labels[a], labels[b]));
            return positions;
        }
        Array.Sort(keys, new ByKey(labels, order));
        var result = new int[keys.Length];
        for (var i = 0; i < keys.Length; i++) result[i] = keys[i].Position;
        return result;
    }

    private readonly record struct Keyed(ulong High, ulong Low, int Position);

    private sealed class ByKey(Labels[] labels, SeriesOrder order) : IComparer<Keyed>
    {
        public int Compare(Keyed x, Keyed y)
        {
            var c = x.High.CompareTo(y.High);
            if (c != 0) return c;
            c = x.Low.CompareTo(y.Low);
            return c != 0 ? c : order.Compare(labels[x.Position], labels[y.Position]);
        }
    }

    /// <summary>
    /// Each series' key: its compared label values in name order, each after the prefix every series shares there and
    /// followed by a 0 character, truncated to <see cref="KeyChars"/>. With one name sequence for all, a 0 below every
    /// other character makes the keys' order that of the values; null when the series differ in their label names or a
    /// value holds a 0 character within the key.
    /// </summary>
    private static Keyed[]? Keys(Labels[] labels, SeriesOrder order)
    {
        // The first series' compared labels: every series must have the same names; its values start the shared prefixes.
        var first = new List<Label>();
        foreach (var label in labels[0].AsSpan())
        {
            if (!order.Ignored(label.Name)) first.Add(label);
        }

        // The prefix all series share at each compared label, and whether they all have the same compared names.
        var shared = new int[first.Count];
        for (var p = 0; p < first.Count; p++) shared[p] = int.MaxValue;
        foreach (var series in labels)
        {
            var p = 0;
            foreach (var label in series.AsSpan())
            {
                if (order.Ignored(label.Name)) continue;
                if (p == first.Count || !ReferenceEquals(label.Name, first[p].Name) && label.Name != first[p].Name) return null;
                var common = label.Value.AsSpan().CommonPrefixLength(first[p].Value);
                if (common < shared[p]) shared[p] = common;
                p++;
            }
            if (p != first.Count) return null;
        }

        var keys = new Keyed[labels.Length];
        Span<char> key = stackalloc char[KeyChars];
        for (var i = 0; i < labels.Length; i++)
        {
            key.Clear();
            var length = 0;
            var p = 0;
            foreach (var label in labels[i].AsSpan())
            {
                if (length == KeyChars) break;
                if (order.Ignored(label.Name)) continue;
                foreach (var c in label.Value.AsSpan(shared[p]))
                {
                    if (length == KeyChars) break;
                    if (c == '\0') return null;
                    key[length++] = c;
                }
                if (length < KeyChars) key[length++] = '\0';
                p++;
            }
            keys[i] = new Keyed(Pack(key[..4]), Pack(key[4..]), i);
        }
        return keys;
    }

    private static ulong Pack(ReadOnlySpan<char> chars) =>
        (ulong)chars[0] << 48 | (ulong)chars[1] << 32 | (ulong)chars[2] << 16 | chars[3];
}
