using System.Diagnostics.CodeAnalysis;
using FedFunctions.Core.Selectors;

namespace FedFunctions.Core.Re2;

/// <summary>
/// Re2Parser parses RE2 syntax (Go's <c>regexp/syntax</c> with the Perl flags Prometheus uses, plus <c>s</c> on)
/// into <see cref="Re2Node"/>s, rejecting what RE2 rejects with Go's error words: backreferences, look-around,
/// atomic groups, possessive or stacked repeats, repeat counts over 1000 (also when nested), nesting over 1000.
/// </summary>
internal sealed partial class Re2Parser
{
    private const int MaxRepeat = 1000;
    private const int MaxDepth = 1000;

    private readonly string _pattern;
    private int _pos;
    private bool _fold;
    private bool _multiLine;
    private bool _dotNewline = true;
    private bool _ungreedy;
    private int _depth;
    private readonly List<string?> _captureNames = [null]; // index = capture number; 0 is the whole match

    private Re2Parser(string pattern) => _pattern = pattern;

    /// <summary>Parses <paramref name="pattern"/>; throws <see cref="Re2SyntaxException"/> with Go's message.</summary>
    public static Re2Node Parse(string pattern) => Parse(pattern, out _);

    /// <summary>
    /// Parses <paramref name="pattern"/> and reports its capture groups as Go's <c>SubexpNames</c>: element i is
    /// the name of group i (null when unnamed), element 0 stands for the whole match.
    /// </summary>
    public static Re2Node Parse(string pattern, out IReadOnlyList<string?> captureNames)
    {
        var parser = new Re2Parser(pattern);
        var node = parser.ParseAlternation();
        if (parser._pos < pattern.Length) Fail("unexpected )", pattern); // only a stray ')' stops the top level
        captureNames = parser._captureNames;
        return node;
    }

    // Parses branches separated by '|' until end of input or a ')' (left for the caller).
    private Re2Node ParseAlternation()
    {
        var branches = new List<Re2Node>();
        var flags = SaveFlags();
        while (true)
        {
            branches.Add(ParseConcat());
            if (_pos < _pattern.Length && _pattern[_pos] == '|')
            {
                _pos++;
                continue;
            }
            break;
        }
        // Flags set by (?i) inside a group end with the group; at top level this is harmless.
        RestoreFlags(flags);
        return branches.Count == 1 ? branches[0] : new Re2Alternate(branches);
    }

    private Re2Node ParseConcat()
    {
        var items = new List<Re2Node>();
        var lastRepeatStart = -1; // where the previous item's repeat operator began, for "a**" errors
        while (_pos < _pattern.Length)
        {
            var c = _pattern[_pos];
            if (c is '|' or ')') break;
            var repeatStart = -1;
            switch (c)
            {
                case '(':
                    ParseGroup(items);
                    break;
                case '^':
                    _pos++;
                    items.Add(new Re2Anchor(_multiLine ? Re2AnchorKind.BeginLine : Re2AnchorKind.BeginText));
                    break;
                case '$':
                    _pos++;
                    items.Add(new Re2Anchor(_multiLine ? Re2AnchorKind.EndLine : Re2AnchorKind.EndText));
                    break;
                case '.':
                    _pos++;
                    items.Add(new Re2AnyChar(_dotNewline));
                    break;
                case '[':
                    items.Add(ParseClass());
                    break;
                case '*' or '+' or '?':
                {
                    repeatStart = _pos;
                    _pos++;
                    var (min, max) = c switch { '*' => (0, -1), '+' => (1, -1), _ => (0, 1) };
                    ApplyRepeat(items, repeatStart, lastRepeatStart, min, max);
                    break;
                }
                case '{':
                {
                    var start = _pos;
                    if (!TryParseRepeatCount(out var min, out var max))
                    {
                        _pos = start + 1;
                        items.Add(new Re2Literal('{', _fold)); // an unparsable { is a literal
                        break;
                    }
                    if (min > MaxRepeat || max > MaxRepeat || (max >= 0 && min > max))
                        Fail("invalid repeat count", _pattern[start.._pos]);
                    repeatStart = start;
                    ApplyRepeat(items, repeatStart, lastRepeatStart, min, max);
                    break;
                }
                case '\\':
                    ParseEscapeItem(items);
                    break;
                default:
                    items.Add(new Re2Literal(ReadRune(), _fold));
                    break;
            }
            lastRepeatStart = repeatStart;
        }
        return items.Count == 1 ? items[0] : new Re2Concat(items);
    }

    private void ApplyRepeat(List<Re2Node> items, int opStart, int lastRepeatStart, int min, int max)
    {
        var greedy = !_ungreedy;
        if (_pos < _pattern.Length && _pattern[_pos] == '?')
        {
            _pos++;
            greedy = !greedy;
        }
        // Perl forbids stacking repeats: a** is an error, and a*+ (possessive) is not supported.
        if (lastRepeatStart >= 0) Fail("invalid nested repetition operator", _pattern[lastRepeatStart.._pos]);
        if (items.Count == 0) Fail("missing argument to repetition operator", _pattern[opStart.._pos]);
        var node = new Re2Repeat(items[^1], min, max, greedy);
        if ((min >= 2 || max >= 2) && !RepeatIsValid(node, MaxRepeat))
            Fail("invalid repeat count", _pattern[opStart.._pos]);
        items[^1] = node;
    }

    // Nested counted repeats may not multiply to more than n copies of the innermost item (Go's repeatIsValid).
    private static bool RepeatIsValid(Re2Node node, int n)
    {
        switch (node)
        {
            case Re2Repeat r:
                var m = r.Max;
                if (m == 0) return true;
                if (m < 0) m = r.Min;
                if (m > n) return false;
                if (m > 0) n /= m;
                return RepeatIsValid(r.Sub, n);
            case Re2Group g:
                return RepeatIsValid(g.Sub, n);
            case Re2Concat c:
                return c.Items.TrueForAll(i => RepeatIsValid(i, n));
            case Re2Alternate a:
                return a.Branches.TrueForAll(b => RepeatIsValid(b, n));
            default:
                return true;
        }
    }

    // {n}, {n,} or {n,m}; false leaves the '{' to be read as a literal.
    private bool TryParseRepeatCount(out int min, out int max)
    {
        min = max = 0;
        var i = _pos + 1;
        if (!TryParseInt(ref i, out min)) return false;
        if (i >= _pattern.Length) return false;
        if (_pattern[i] == ',')
        {
            i++;
            if (i >= _pattern.Length) return false;
            if (_pattern[i] == '}') max = -1;
            else if (!TryParseInt(ref i, out max)) return false;
        }
        else
        {
            max = min;
        }
        if (i >= _pattern.Length || _pattern[i] != '}') return false;
        _pos = i + 1;
        return true;
    }

    private bool TryParseInt(ref int i, out int value)
    {
        value = 0;
        var start = i;
        if (i >= _pattern.Length || !char.IsAsciiDigit(_pattern[i])) return false;
        // Leading zeros are not allowed.
        if (i + 1 < _pattern.Length && _pattern[i] == '0' && char.IsAsciiDigit(_pattern[i + 1])) return false;
        while (i < _pattern.Length && char.IsAsciiDigit(_pattern[i]))
        {
            // Too big to be valid; Go reports -1 and then "invalid repeat count".
            value = value >= 100_000_000 ? int.MaxValue : value * 10 + (_pattern[i] - '0');
            i++;
        }
        return i > start;
    }

    private void ParseGroup(List<Re2Node> items)
    {
        var start = _pos;
        if (_pos + 1 < _pattern.Length && _pattern[_pos + 1] == '?')
        {
            var rest = _pattern.AsSpan(_pos);
            var named = rest.StartsWith("(?P<") ? 4 : rest.StartsWith("(?<") && !rest.StartsWith("(?<=") && !rest.StartsWith("(?<!") ? 3 : 0;
            if (named > 0)
            {
                var end = _pattern.IndexOf('>', _pos);
                if (end < 0) Fail("invalid named capture", _pattern[start..]);
                var name = _pattern[(_pos + named)..end];
                if (name.Length == 0 || !name.All(ch => ch == '_' || char.IsAsciiLetterOrDigit(ch)))
                    Fail("invalid named capture", _pattern[start..(end + 1)]);
                _pos = end + 1;
                items.Add(ParseGroupBody(NextCapture(name), name));
                return;
            }
            var (flags, opensGroup) = ParseFlags(start);
            if (!opensGroup)
            {
                RestoreFlags(flags); // (?flags) lasts until the enclosing group closes
                return;
            }
            var outer = SaveFlags();
            RestoreFlags(flags);
            items.Add(ParseGroupBody(0, null)); // (?flags:re)
            RestoreFlags(outer);
            return;
        }
        _pos++;
        items.Add(ParseGroupBody(NextCapture(null), null));
    }

    // RE2 numbers captures as their '(' is read, so an outer group precedes the groups nested in it.
    private int NextCapture(string? name)
    {
        _captureNames.Add(name);
        return _captureNames.Count - 1;
    }

    private Re2Group ParseGroupBody(int capture, string? name)
    {
        if (++_depth > MaxDepth) Fail("expression nests too deeply", _pattern);
        var flags = SaveFlags();
        var sub = ParseAlternation();
        RestoreFlags(flags);
        if (_pos >= _pattern.Length) Fail("missing closing )", _pattern);
        _pos++; // ')'
        _depth--;
        return new Re2Group(sub, capture, name);
    }

    // Parses "(?flags)" or "(?flags:" and returns the new flags and whether a group body follows.
    private ((bool, bool, bool, bool) Flags, bool OpensGroup) ParseFlags(int start)
    {
        _pos += 2;
        var (fold, multiLine, dot, ungreedy) = SaveFlags();
        var negate = false;
        var sawFlag = false;
        while (_pos < _pattern.Length)
        {
            var c = _pattern[_pos++];
            switch (c)
            {
                case 'i': fold = !negate; sawFlag = true; continue;
                case 'm': multiLine = !negate; sawFlag = true; continue;
                case 's': dot = !negate; sawFlag = true; continue;
                case 'U': ungreedy = !negate; sawFlag = true; continue;
                case '-' when !negate:
                    negate = true;
                    sawFlag = false;
                    continue;
                case ':' or ')' when !negate || sawFlag:
                    return ((fold, multiLine, dot, ungreedy), c == ':');
            }
            break;
        }
        // Look-around, atomic groups, comments, (?P=name) and the like are not RE2.
        Fail("invalid or unsupported Perl syntax", _pattern[start.._pos]);
        return default;
    }

    private (bool, bool, bool, bool) SaveFlags() => (_fold, _multiLine, _dotNewline, _ungreedy);

    private void RestoreFlags((bool, bool, bool, bool) flags) => (_fold, _multiLine, _dotNewline, _ungreedy) = flags;

    [DoesNotReturn]
    internal static void Fail(string code, string expr) => throw new Re2SyntaxException(code, expr);

    private int ReadRune() => GoText.ReadRune(_pattern, ref _pos);
}
