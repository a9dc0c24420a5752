using System.Globalization;

namespace FedFunctions.Core.Re2;

/// <summary>
/// Re2RangeSet is a set of Unicode code points as sorted, merged, inclusive ranges, plus the named sets RE2
/// knows: Perl classes (<c>\d \s \w</c>, ASCII-only as in RE2), POSIX classes (<c>[:alpha:]</c>) and Unicode
/// general categories (<c>\pL</c>, <c>\p{Lu}</c>).
/// </summary>
internal sealed class Re2RangeSet
{
    public const int MaxRune = 0x10FFFF;

    private static readonly Dictionary<string, (int Lo, int Hi)[]> Posix = new(StringComparer.Ordinal)
    {
        ["alnum"] = [('0', '9'), ('A', 'Z'), ('a', 'z')],
        ["alpha"] = [('A', 'Z'), ('a', 'z')],
        ["ascii"] = [(0, 0x7F)],
        ["blank"] = [('\t', '\t'), (' ', ' ')],
        ["cntrl"] = [(0, 0x1F), (0x7F, 0x7F)],
        ["digit"] = [('0', '9')],
        ["graph"] = [('!', '~')],
        ["lower"] = [('a', 'z')],
        ["print"] = [(' ', '~')],
        ["punct"] = [('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        ["space"] = [('\t', '\r'), (' ', ' ')],
        ["upper"] = [('A', 'Z')],
        ["word"] = [('0', '9'), ('A', 'Z'), ('a', 'z'), ('_', '_')],
        ["xdigit"] = [('0', '9'), ('A', 'F'), ('a', 'f')],
    };

    private static readonly Dictionary<string, UnicodeCategory[]> CategoryNames = BuildCategoryNames();

    private readonly List<(int Lo, int Hi)> _ranges = [];
    private bool _normalized = true;

    /// <summary>The ranges, sorted and merged.</summary>
    public IReadOnlyList<(int Lo, int Hi)> Ranges
    {
        get
        {
            Normalize();
            return _ranges;
        }
    }

    public void Add(int lo, int hi)
    {
        _ranges.Add((lo, hi));
        _normalized = false;
    }

    public void AddAll(IEnumerable<(int Lo, int Hi)> ranges, bool negate)
    {
        if (!negate)
        {
            foreach (var (lo, hi) in ranges) Add(lo, hi);
            return;
        }
        var other = new Re2RangeSet();
        other.AddAll(ranges, false);
        other.Negate();
        AddAll(other.Ranges, false);
    }

    /// <summary>Replaces the set by its complement within [0, U+10FFFF].</summary>
    public void Negate()
    {
        Normalize();
        var result = new List<(int, int)>();
        var next = 0;
        foreach (var (lo, hi) in _ranges)
        {
            if (lo > next) result.Add((next, lo - 1));
            next = hi + 1;
        }
        if (next <= MaxRune) result.Add((next, MaxRune));
        _ranges.Clear();
        _ranges.AddRange(result);
    }

    private void Normalize()
    {
        if (_normalized) return;
        _ranges.Sort((a, b) => a.Lo.CompareTo(b.Lo));
        var merged = new List<(int Lo, int Hi)>(_ranges.Count);
        foreach (var r in _ranges)
        {
            if (merged.Count > 0 && r.Lo <= merged[^1].Hi + 1)
            {
                if (r.Hi > merged[^1].Hi) merged[^1] = (merged[^1].Lo, r.Hi);
            }
            else
            {
                merged.Add(r);
            }
        }
        _ranges.Clear();
        _ranges.AddRange(merged);
        _normalized = true;
    }

    /// <summary>The ranges of a Perl class letter (d, s, w; upper case negates), or null.</summary>
    public static (int Lo, int Hi)[]? PerlClass(char letter) => char.ToLowerInvariant(letter) switch
    {
        'd' => [('0', '9')],
        's' => [('\t', '\n'), ('\f', '\r'), (' ', ' ')],
        'w' => [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')],
        _ => null,
    };

    /// <summary>The ranges of a POSIX class name (without brackets and colons), or null.</summary>
    public static (int Lo, int Hi)[]? PosixClass(string name) => Posix.GetValueOrDefault(name);

    /// <summary>Whether <paramref name="name"/> is a Unicode general category RE2 knows (L, Lu, ...; not "Any").</summary>
    public static bool IsCategory(string name) => CategoryNames.ContainsKey(name);

    /// <summary>
    /// Unicode general categories in the set, kept by name and emitted as .NET's <c>\p{..}</c>: listing their
    /// hundreds of ranges would make NonBacktracking construction slow (and a stall vector).
    /// </summary>
    public List<(string Name, bool Negated)> Categories { get; } = [];

    private static Dictionary<string, UnicodeCategory[]> BuildCategoryNames()
    {
        var two = new Dictionary<string, UnicodeCategory>(StringComparer.Ordinal)
        {
            ["Lu"] = UnicodeCategory.UppercaseLetter, ["Ll"] = UnicodeCategory.LowercaseLetter,
            ["Lt"] = UnicodeCategory.TitlecaseLetter, ["Lm"] = UnicodeCategory.ModifierLetter, ["Lo"] = UnicodeCategory.OtherLetter,
            ["Mn"] = UnicodeCategory.NonSpacingMark, ["Mc"] = UnicodeCategory.SpacingCombiningMark, ["Me"] = UnicodeCategory.EnclosingMark,
            ["Nd"] = UnicodeCategory.DecimalDigitNumber, ["Nl"] = UnicodeCategory.LetterNumber, ["No"] = UnicodeCategory.OtherNumber,
            ["Pc"] = UnicodeCategory.ConnectorPunctuation, ["Pd"] = UnicodeCategory.DashPunctuation,
            ["Ps"] = UnicodeCategory.OpenPunctuation, ["Pe"] = UnicodeCategory.ClosePunctuation,
            ["Pi"] = UnicodeCategory.InitialQuotePunctuation, ["Pf"] = UnicodeCategory.FinalQuotePunctuation,
            ["Po"] = UnicodeCategory.OtherPunctuation,
            ["Sm"] = UnicodeCategory.MathSymbol, ["Sc"] = UnicodeCategory.CurrencySymbol,
            ["Sk"] = UnicodeCategory.ModifierSymbol, ["So"] = UnicodeCategory.OtherSymbol,
            ["Zs"] = UnicodeCategory.SpaceSeparator, ["Zl"] = UnicodeCategory.LineSeparator, ["Zp"] = UnicodeCategory.ParagraphSeparator,
            ["Cc"] = UnicodeCategory.Control, ["Cf"] = UnicodeCategory.Format,
            ["Co"] = UnicodeCategory.PrivateUse, ["Cs"] = UnicodeCategory.Surrogate,
        };
        var names = new Dictionary<string, UnicodeCategory[]>(StringComparer.Ordinal);
        foreach (var (name, category) in two) names[name] = [category];
        // One-letter names are the union of their two-letter members (Go's C excludes unassigned Cn).
        foreach (var letter in new[] { "L", "M", "N", "P", "S", "Z", "C" })
        {
            names[letter] = [.. two.Where(kv => kv.Key[0] == letter[0]).Select(kv => kv.Value)];
        }
        return names;
    }
}
