namespace FedFunctions.Core.Re2;

/// <summary>Re2Node is one node of a parsed RE2 pattern, with every flag (i, m, s, U) already resolved.</summary>
internal abstract class Re2Node
{
}

/// <summary>A single code point; <see cref="Fold"/> when <c>(?i)</c> applied.</summary>
internal sealed class Re2Literal(int rune, bool fold) : Re2Node
{
    public int Rune { get; } = rune;
    public bool Fold { get; } = fold;
}

/// <summary><c>.</c>; <see cref="DotNewline"/> when it also matches <c>\n</c> (flag s, on by default in Prometheus).</summary>
internal sealed class Re2AnyChar(bool dotNewline) : Re2Node
{
    public bool DotNewline { get; } = dotNewline;
}

/// <summary>
/// A character class: a set of code point ranges, negated as a whole when <see cref="Negated"/> (<c>[^…]</c>).
/// Negation is kept rather than applied so that case folding applies before it, as in RE2.
/// </summary>
internal sealed class Re2Class(Re2RangeSet set, bool fold, bool negated) : Re2Node
{
    public Re2RangeSet Set { get; } = set;
    public bool Fold { get; } = fold;
    public bool Negated { get; } = negated;
}

/// <summary>The zero-width assertions RE2 has.</summary>
internal enum Re2AnchorKind { BeginText, EndText, BeginLine, EndLine, WordBoundary, NotWordBoundary }

/// <summary>A zero-width assertion.</summary>
internal sealed class Re2Anchor(Re2AnchorKind kind) : Re2Node
{
    public Re2AnchorKind Kind { get; } = kind;
}

/// <summary>A sequence (possibly empty: matches the empty string).</summary>
internal sealed class Re2Concat(List<Re2Node> items) : Re2Node
{
    public List<Re2Node> Items { get; } = items;
}

/// <summary>An alternation of two or more branches.</summary>
internal sealed class Re2Alternate(List<Re2Node> branches) : Re2Node
{
    public List<Re2Node> Branches { get; } = branches;
}

/// <summary>A repetition; <see cref="Max"/> is -1 for no upper bound.</summary>
internal sealed class Re2Repeat(Re2Node sub, int min, int max, bool greedy) : Re2Node
{
    public Re2Node Sub { get; } = sub;
    public int Min { get; } = min;
    public int Max { get; } = max;
    public bool Greedy { get; } = greedy;
}

/// <summary>
/// A parenthesized group. <see cref="Capture"/> is the RE2 capture number (1-based, by the position of the
/// opening parenthesis, named or not), or 0 for <c>(?:…)</c> and <c>(?flags:…)</c>; <see cref="Name"/> is set for
/// <c>(?P&lt;name&gt;…)</c>. Matching ignores both; relabeling uses them for <c>$1</c> and <c>${name}</c>.
/// </summary>
internal sealed class Re2Group(Re2Node sub, int capture = 0, string? name = null) : Re2Node
{
    public Re2Node Sub { get; } = sub;
    public int Capture { get; } = capture;
    public string? Name { get; } = name;
}
