using System.Globalization;
using System.Text;

namespace FedFunctions.Core.Re2;

/// <summary>
/// Re2Emitter writes a parsed RE2 pattern as an equivalent .NET pattern for <c>RegexOptions.NonBacktracking</c>:
/// flags are already resolved per node, groups are non-capturing (or, in capturing mode, exactly the RE2 captures
/// become unnamed .NET groups, so .NET's numbering equals RE2's), <c>$</c>/<c>^</c> become <c>\z</c>/<c>\A</c>
/// (or multi-line forms), and a character class matches whole code points, so a supplementary character
/// (a UTF-16 surrogate pair) counts as one character as it does in Go.
/// </summary>
/// <remarks>
/// Not exact: <c>\b</c> and <c>\B</c> are emitted as .NET's <c>\b</c>/<c>\B</c>, whose word characters are Unicode
/// (letters, digits, marks, connector punctuation of any script, U+200C and U+200D), while RE2's are ASCII
/// <c>[0-9A-Za-z_]</c>. They agree when both characters around the assertion are ASCII (or a text edge), and can
/// differ next to a non-ASCII word character: RE2 sees a boundary between <c>a</c> and <c>é</c>, .NET does not.
/// NonBacktracking has no look-arounds, so RE2's rule cannot be spelled out; the difference is accepted and
/// documented (see <see cref="Selectors.LabelMatcher"/>) rather than rejecting every pattern that uses <c>\b</c>.
/// </remarks>
internal static class Re2Emitter
{
    private const string LowSurrogates = @"\uDC00-\uDFFF";

    /// <summary>
    /// Emits the whole pattern anchored at both ends, as Prometheus' <c>^(?s:re)$</c>. With
    /// <paramref name="captures"/>, each RE2 capture becomes a plain <c>(…)</c> in order and everything else stays
    /// <c>(?:…)</c>, so group n of the .NET match is RE2's group n (names are left to the caller, since .NET would
    /// renumber named groups after unnamed ones); without it nothing captures.
    /// </summary>
    public static string EmitAnchored(Re2Node root, bool captures = false)
    {
        var sb = new StringBuilder(@"\A(?:");
        Emit(sb, root, captures);
        return sb.Append(@")\z").ToString();
    }

    private static void Emit(StringBuilder sb, Re2Node node, bool captures)
    {
        switch (node)
        {
            case Re2Literal literal:
                if (literal.Fold) sb.Append("(?i:");
                AppendRune(sb, literal.Rune);
                if (literal.Fold) sb.Append(')');
                break;
            case Re2AnyChar any:
                var set = new Re2RangeSet();
                if (any.DotNewline) set.Add(0, Re2RangeSet.MaxRune);
                else
                {
                    set.Add(0, '\n' - 1);
                    set.Add('\n' + 1, Re2RangeSet.MaxRune);
                }
                EmitClass(sb, set, negated: false);
                break;
            case Re2Class cls:
                if (cls.Fold) sb.Append("(?i:");
                EmitClass(sb, cls.Set, cls.Negated);
                if (cls.Fold) sb.Append(')');
                break;
            case Re2Anchor anchor:
                sb.Append(anchor.Kind switch
                {
                    Re2AnchorKind.BeginText => @"\A",
                    Re2AnchorKind.EndText => @"\z",
                    Re2AnchorKind.BeginLine => "(?m:^)",
                    Re2AnchorKind.EndLine => "(?m:$)",
                    // Unicode word characters, not RE2's ASCII ones: see the remarks above.
                    Re2AnchorKind.WordBoundary => @"\b",
                    _ => @"\B",
                });
                break;
            case Re2Concat concat:
                foreach (var item in concat.Items) Emit(sb, item, captures);
                break;
            case Re2Alternate alternate:
                sb.Append("(?:");
                for (var i = 0; i < alternate.Branches.Count; i++)
                {
                    if (i > 0) sb.Append('|');
                    Emit(sb, alternate.Branches[i], captures);
                }
                sb.Append(')');
                break;
            case Re2Group group:
                sb.Append(captures && group.Capture > 0 ? "(" : "(?:");
                Emit(sb, group.Sub, captures);
                sb.Append(')');
                break;
            case Re2Repeat repeat:
                sb.Append("(?:");
                Emit(sb, repeat.Sub, captures);
                sb.Append(')');
                sb.Append((repeat.Min, repeat.Max) switch
                {
                    (0, -1) => "*",
                    (1, -1) => "+",
                    (0, 1) => "?",
                    (var min, -1) => "{" + min.ToString(CultureInfo.InvariantCulture) + ",}",
                    (var min, var max) when min == max => "{" + min.ToString(CultureInfo.InvariantCulture) + "}",
                    (var min, var max) => "{" + min.ToString(CultureInfo.InvariantCulture) + "," + max.ToString(CultureInfo.InvariantCulture) + "}",
                });
                if (!repeat.Greedy) sb.Append('?');
                break;
        }
    }

    // A class over code points: one BMP class (never matching a lone surrogate) plus surrogate-pair alternatives.
    // Unicode categories are emitted natively (\p{L}); .NET knows them for the BMP only, so supplementary code
    // points count as outside every category (\pL does not match them, \PL does).
    private static void EmitClass(StringBuilder sb, Re2RangeSet set, bool negated)
    {
        var bmp = new StringBuilder();
        var supplementary = new Re2RangeSet();
        foreach (var (lo, hi) in set.Ranges)
        {
            AppendBmpRange(bmp, lo, Math.Min(hi, 0xFFFF));
            if (hi >= 0x10000) supplementary.Add(Math.Max(lo, 0x10000), hi);
        }
        var anyNegatedCategory = false;
        foreach (var (name, categoryNegated) in set.Categories)
        {
            bmp.Append(categoryNegated ? @"\P{" : @"\p{").Append(name).Append('}');
            anyNegatedCategory |= categoryNegated;
        }
        if (anyNegatedCategory) supplementary.Add(0x10000, Re2RangeSet.MaxRune);

        string? bmpClass;
        if (negated)
        {
            // [^set]: the complement among BMP non-surrogates, and among supplementary code points.
            bmpClass = "[^" + bmp + @"\uD800-\uDFFF]";
            supplementary.Add(0, 0xFFFF);
            supplementary.Negate();
        }
        else if (bmp.Length == 0)
        {
            bmpClass = null;
        }
        else
        {
            // \P{..} includes surrogate units; subtract them so one never matches half a character.
            bmpClass = anyNegatedCategory ? "[" + bmp + @"-[\uD800-\uDFFF]]" : "[" + bmp + "]";
        }

        var pairs = new List<string>();
        foreach (var (lo, hi) in supplementary.Ranges) AppendPairs(pairs, lo, hi);
        if (pairs.Count == 0)
        {
            // An empty class matches nothing.
            sb.Append(bmpClass ?? @"[^\u0000-\uFFFF]");
            return;
        }
        sb.Append("(?:");
        if (bmpClass is not null) sb.Append(bmpClass).Append('|');
        sb.AppendJoin('|', pairs);
        sb.Append(')');
    }

    private static void AppendBmpRange(StringBuilder sb, int lo, int hi)
    {
        // Surrogate code points never match a valid string on their own.
        if (lo <= 0xDFFF && hi >= 0xD800)
        {
            AppendBmpRange(sb, lo, 0xD7FF);
            AppendBmpRange(sb, 0xE000, hi);
            return;
        }
        if (lo > hi) return;
        AppendEscaped(sb, lo);
        if (hi > lo)
        {
            sb.Append('-');
            AppendEscaped(sb, hi);
        }
    }

    // UTF-16 encodings of [lo, hi] (both >= U+10000) as high-surrogate class + low-surrogate class pairs.
    private static void AppendPairs(List<string> pairs, int lo, int hi)
    {
        var (loHigh, loLow) = Split(lo);
        var (hiHigh, hiLow) = Split(hi);
        if (loHigh == hiHigh)
        {
            pairs.Add(Unit(loHigh) + "[" + Unit(loLow) + "-" + Unit(hiLow) + "]");
            return;
        }
        var firstFull = loLow == 0xDC00 ? loHigh : loHigh + 1;
        var lastFull = hiLow == 0xDFFF ? hiHigh : hiHigh - 1;
        if (loLow != 0xDC00) pairs.Add(Unit(loHigh) + "[" + Unit(loLow) + @"-\uDFFF]");
        if (firstFull <= lastFull) pairs.Add("[" + Unit(firstFull) + "-" + Unit(lastFull) + "][" + LowSurrogates + "]");
        if (hiLow != 0xDFFF) pairs.Add(Unit(hiHigh) + @"[\uDC00-" + Unit(hiLow) + "]");
    }

    private static (int High, int Low) Split(int rune)
    {
        var v = rune - 0x10000;
        return (0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
    }

    private static string Unit(int unit) => @"\u" + unit.ToString("X4", CultureInfo.InvariantCulture);

    private static void AppendRune(StringBuilder sb, int rune)
    {
        if (rune < 0x10000)
        {
            if (rune < 0x80 && char.IsAsciiLetterOrDigit((char)rune)) sb.Append((char)rune);
            else AppendEscaped(sb, rune);
            return;
        }
        var (high, low) = Split(rune);
        sb.Append(Unit(high)).Append(Unit(low));
    }

    private static void AppendEscaped(StringBuilder sb, int unit) => sb.Append(Unit(unit));
}
