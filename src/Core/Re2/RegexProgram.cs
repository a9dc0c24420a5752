using System.Text;
using System.Text.RegularExpressions;

namespace FedFunctions.Core.Re2;

/// <summary>
/// RegexProgram is a compiled, fully anchored RE2 pattern. Common shapes are answered without a regex:
/// <c>.*</c>, <c>.+</c>, literals, literal alternations (set lookup), <c>lit.*</c>, <c>.*lit</c> and
/// <c>.*lit.*</c>. The rest runs on <see cref="RegexOptions.NonBacktracking"/>, so matching is linear in the
/// value whatever the pattern. Programs are cached by pattern text, since selectors repeat across requests.
/// </summary>
internal sealed class RegexProgram
{
    /// <summary>Patterns longer than this are refused before parsing (construction cost must stay small).</summary>
    public const int MaxPatternLength = 16 * 1024;

    /// <summary>The most compiled programs kept; beyond it the least recently used one is dropped.</summary>
    internal const int CacheCapacity = 512;

    // NonBacktracking refuses automata over 10,000 nodes; this estimate of that count (repeats multiply) keeps us
    // under it, and the class-range cap bounds the cost of building huge explicit classes (~0.1 ms per range).
    private const long MaxAutomatonSize = 10_000;
    private const int MaxClassRanges = 1_000;

    // Least recently used eviction, one entry at a time: many distinct patterns from one client never flush the
    // patterns everyone else keeps using.
    private static readonly LruCache<RegexProgram> Cache = new(CacheCapacity);

    private readonly Kind _kind;
    private readonly string _literal = "";
    private readonly HashSet<string>? _set;
    private readonly Regex? _regex;

    private enum Kind { Any, NonEmpty, Literal, Set, Prefix, Suffix, Contains, Regex }

    private RegexProgram(Kind kind, string literal = "", HashSet<string>? set = null, Regex? regex = null)
    {
        _kind = kind;
        _literal = literal;
        _set = set;
        _regex = regex;
    }

    /// <summary>Gets the cached program for <paramref name="pattern"/> or compiles it.</summary>
    /// <exception cref="Re2SyntaxException">The pattern is not valid RE2, or too large for linear-time matching.</exception>
    public static RegexProgram Get(string pattern)
    {
        if (Cache.TryGet(pattern, out var cached)) return cached;
        // Compiled outside the cache's lock; when two threads race, both compile and the first one added wins.
        return Cache.GetOrAdd(pattern, Compile(pattern));
    }

    /// <summary>Compiles <paramref name="pattern"/> without the cache.</summary>
    public static RegexProgram Compile(string pattern)
    {
        var root = Parse(pattern, out _);
        var fast = TryFastPath(root);
        if (fast is not null) return fast;
        CheckSize(pattern, root);
        return new RegexProgram(Kind.Regex, regex: BuildRegex(pattern, Re2Emitter.EmitAnchored(root)));
    }

    /// <summary>Parses <paramref name="pattern"/> after the length check; see <see cref="Re2Parser.Parse(string, out IReadOnlyList{string?})"/>.</summary>
    /// <exception cref="Re2SyntaxException">The pattern is too long or not valid RE2.</exception>
    internal static Re2Node Parse(string pattern, out IReadOnlyList<string?> captureNames)
    {
        if (pattern.Length > MaxPatternLength)
            throw new Re2SyntaxException("expression too large", pattern[..32] + "...");
        return Re2Parser.Parse(pattern, out captureNames);
    }

    /// <summary>Refuses a parsed pattern whose automaton would be too large, before .NET builds anything.</summary>
    /// <exception cref="Re2SyntaxException">"expression too large".</exception>
    internal static void CheckSize(string pattern, Re2Node root)
    {
        // Even .NET's own refusal of a big automaton costs hundreds of ms, so estimate first.
        var ranges = 0;
        if (EstimateSize(root, ref ranges) > MaxAutomatonSize || ranges > MaxClassRanges)
            throw new Re2SyntaxException("expression too large", Shorten(pattern));
    }

    /// <summary>Whether the whole <paramref name="value"/> matches.</summary>
    public bool Matches(ReadOnlySpan<char> value) => _kind switch
    {
        Kind.Any => true,
        Kind.NonEmpty => !value.IsEmpty,
        Kind.Literal => value.SequenceEqual(_literal),
        Kind.Set => _set!.GetAlternateLookup<ReadOnlySpan<char>>().Contains(value),
        Kind.Prefix => value.StartsWith(_literal, StringComparison.Ordinal),
        Kind.Suffix => value.EndsWith(_literal, StringComparison.Ordinal),
        Kind.Contains => value.Contains(_literal, StringComparison.Ordinal),
        _ => _regex!.IsMatch(value),
    };

    /// <summary>Compiles the emitted <paramref name="dotNet"/> pattern for <paramref name="pattern"/> with NonBacktracking.</summary>
    /// <exception cref="Re2SyntaxException">The engine refuses it (too large, or unsupported).</exception>
    internal static Regex BuildRegex(string pattern, string dotNet)
    {
        try
        {
            return new Regex(dotNet, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (NotSupportedException)
        {
            // NonBacktracking refuses automata beyond its node budget (e.g. many large counted repeats).
            throw new Re2SyntaxException("expression too large", Shorten(pattern));
        }
        catch (ArgumentException e)
        {
            throw new Re2SyntaxException("unsupported by the regex engine (" + e.Message + ")", Shorten(pattern));
        }
    }

    private static long EstimateSize(Re2Node node, ref int ranges)
    {
        switch (node)
        {
            case Re2Class cls:
                ranges += cls.Set.Ranges.Count + cls.Set.Categories.Count;
                return 1;
            case Re2Concat concat:
            {
                long sum = 0;
                foreach (var item in concat.Items) sum += EstimateSize(item, ref ranges);
                return sum;
            }
            case Re2Alternate alternate:
            {
                long sum = 1;
                foreach (var branch in alternate.Branches) sum += EstimateSize(branch, ref ranges);
                return sum;
            }
            case Re2Group group:
                return EstimateSize(group.Sub, ref ranges);
            case Re2Repeat repeat:
                // Counted repeats are unrolled; the product is bounded by RE2's 1000 rule, so this cannot overflow.
                return EstimateSize(repeat.Sub, ref ranges) * Math.Max(1, Math.Max(repeat.Min, repeat.Max)) + 1;
            default:
                return 1;
        }
    }

    /// <summary>The pattern cut to 64 characters for error messages.</summary>
    internal static string Shorten(string pattern) => pattern.Length <= 64 ? pattern : pattern[..64] + "...";

    /// <summary>A program that answers <see cref="Matches"/> without a regex, when the pattern has a simple shape.</summary>
    internal static RegexProgram? TryFastPath(Re2Node root)
    {
        var items = Flatten(root);
        if (items is null)
        {
            // Not a plain sequence: maybe a|b|c with plain-literal branches.
            if (Unwrap(root) is not Re2Alternate alternate) return null;
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var branch in alternate.Branches)
            {
                var text = LiteralText(Flatten(branch));
                if (text is null) return null;
                set.Add(text);
            }
            return new RegexProgram(Kind.Set, set: set);
        }
        // Leading \A / trailing \z are implied by the anchoring: ^foo$ is the literal foo.
        while (items.Count > 0 && Unwrap(items[0]) is Re2Anchor { Kind: Re2AnchorKind.BeginText }) items.RemoveAt(0);
        while (items.Count > 0 && Unwrap(items[^1]) is Re2Anchor { Kind: Re2AnchorKind.EndText }) items.RemoveAt(items.Count - 1);
        if (items.Count == 1 && IsAnyStar(items[0], out var plus)) return new RegexProgram(plus ? Kind.NonEmpty : Kind.Any);
        var starFirst = items.Count > 0 && IsAnyStar(items[0], out var p1) && !p1;
        var starLast = items.Count > 1 && IsAnyStar(items[^1], out var p2) && !p2;
        var middle = items.GetRange(starFirst ? 1 : 0, items.Count - (starFirst ? 1 : 0) - (starLast ? 1 : 0));
        var literal = LiteralText(middle);
        if (literal is null) return null;
        return (starFirst, starLast) switch
        {
            (false, false) => new RegexProgram(Kind.Literal, literal),
            (false, true) => new RegexProgram(Kind.Prefix, literal),
            (true, false) => new RegexProgram(Kind.Suffix, literal),
            _ => new RegexProgram(Kind.Contains, literal),
        };
    }

    private static Re2Node Unwrap(Re2Node node)
    {
        while (node is Re2Group g) node = g.Sub;
        return node;
    }

    // The node as a flat list of items when it is a sequence (groups around sequences dissolved), else null.
    private static List<Re2Node>? Flatten(Re2Node node)
    {
        node = Unwrap(node);
        if (node is Re2Alternate) return null;
        var result = new List<Re2Node>();
        if (node is not Re2Concat concat)
        {
            result.Add(node);
            return result;
        }
        foreach (var item in concat.Items)
        {
            var inner = Flatten(item);
            if (inner is null) return null;
            result.AddRange(inner);
        }
        return result;
    }

    private static string? LiteralText(List<Re2Node>? items)
    {
        if (items is null) return null;
        var sb = new StringBuilder();
        foreach (var item in items)
        {
            if (item is not Re2Literal { Fold: false } literal) return null;
            if (literal.Rune is >= 0xD800 and <= 0xDFFF) return null; // never matches valid text; leave it to the regex
            sb.Append(char.ConvertFromUtf32(literal.Rune));
        }
        return sb.ToString();
    }

    // .* (plus = false) or .+ (plus = true), with . matching newlines.
    private static bool IsAnyStar(Re2Node node, out bool plus)
    {
        plus = false;
        if (Unwrap(node) is not Re2Repeat { Max: -1, Min: 0 or 1 } repeat || Unwrap(repeat.Sub) is not Re2AnyChar { DotNewline: true }) return false;
        plus = repeat.Min == 1;
        return true;
    }
}
