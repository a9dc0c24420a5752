using FedFunctions.Core.Model;

namespace FedFunctions.Core.Exposition;

/// <summary>
/// ExternalLabels are the labels a federation answer adds to every series that lacks a label of that
/// name (Prometheus' <c>external_labels</c>, plus <c>instance=""</c>). Unlike <see cref="Labels"/> they may
/// hold empty values, which are written as given. Their <c>name="value"</c> bytes are encoded once.
/// </summary>
public sealed class ExternalLabels
{
    /// <summary>No external labels.</summary>
    public static readonly ExternalLabels None = new([], [], [], 0);

    private ExternalLabels(Label[] labels, string[] names, byte[][] pairs, int totalLength)
    {
        Labels = labels;
        Names = names;
        Pairs = pairs;
        TotalLength = totalLength;
        _allLegacy = Array.TrueForAll(names, n => !NameEscaping.NeedsEscaping(n, NameEscapingScheme.Underscores));
    }

    // Whether every name is a legacy one, so that no escaping changes these labels (checked once).
    private readonly bool _allLegacy;

    /// <summary>The labels, sorted by name.</summary>
    public IReadOnlyList<Label> Labels { get; }

    /// <summary>The names, sorted.</summary>
    internal string[] Names { get; }

    /// <summary>The encoded pair for each name.</summary>
    internal byte[][] Pairs { get; }

    /// <summary>The bytes needed to write every pair, with separators.</summary>
    internal int TotalLength { get; }

    /// <summary>Encodes <paramref name="labels"/> (any order; empty values allowed).</summary>
    /// <exception cref="ArgumentException">Two labels have the same name.</exception>
    public static ExternalLabels Create(IEnumerable<Label> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var sorted = labels.ToArray();
        if (sorted.Length == 0) return None;
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Name == sorted[i - 1].Name) throw new ArgumentException($"duplicate external label \"{sorted[i].Name}\"", nameof(labels));
        }
        return Encode(sorted, NameEscapingScheme.AllowUtf8);
    }

    // One encoding per escaping scheme, made when first asked for; null where it would equal this one.
    private readonly ExternalLabels?[] _escaped = new ExternalLabels?[4];

    /// <summary>
    /// For returns these labels with their text pairs written under <paramref name="escaping"/>: the names
    /// used to find the labels a sample lacks stay unescaped (as Prometheus merges before it escapes).
    /// </summary>
    internal ExternalLabels For(NameEscapingScheme escaping)
    {
        if (escaping == NameEscapingScheme.AllowUtf8 || _allLegacy) return this;
        return _escaped[(int)escaping] ??= Encode([.. Labels], escaping);
    }

    private static ExternalLabels Encode(Label[] sorted, NameEscapingScheme escaping)
    {
        var names = new string[sorted.Length];
        var pairs = new byte[sorted.Length][];
        var total = 0;
        var scratch = new byte[sorted.Max(l => 9 + 6 * l.Name.Length + 3 * l.Value.Length)];
        for (var i = 0; i < sorted.Length; i++)
        {
            names[i] = sorted[i].Name;
            var length = PrometheusTextWriter.WriteLabelPair(sorted[i], scratch, escaping);
            pairs[i] = scratch[..length];
            total += length + 1;
        }
        return new ExternalLabels(sorted, names, pairs, total);
    }

    /// <summary>Starts tracking which of these labels one sample already has (see <see cref="Presence"/>).</summary>
    internal Presence Track() => new(Names);

    /// <summary>
    /// Presence records which external labels a sample has, fed the sample's label names in sorted order:
    /// both lists are sorted, so it walks them together. Writers then add only the missing ones.
    /// </summary>
    internal ref struct Presence(string[] names)
    {
        private int _index;
        private ulong _bits; // bit i: the sample has external label i (the first 64)
        private bool[]? _overflow = names.Length > 64 ? new bool[names.Length] : null;

        /// <summary>Notes one of the sample's label names; call in name order.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void See(string labelName)
        {
            if (names.Length == 0) return;
            while (_index < names.Length && string.CompareOrdinal(names[_index], labelName) < 0) _index++;
            if (_index < names.Length && names[_index] == labelName)
            {
                if (_index < 64) _bits |= 1UL << _index;
                else _overflow![_index] = true;
            }
        }

        /// <summary>Whether the sample has external label <paramref name="index"/>.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public readonly bool Has(int index) => index < 64 ? (_bits & (1UL << index)) != 0 : _overflow![index];
    }
}
