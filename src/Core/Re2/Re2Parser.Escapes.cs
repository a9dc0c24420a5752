namespace FedFunctions.Core.Re2;

/// <summary>Re2Parser's escapes and character classes.</summary>
internal sealed partial class Re2Parser
{
    // An escape outside a class: anchors, \Q...\E, \pN, \d and friends, or a single escaped character.
    private void ParseEscapeItem(List<Re2Node> items)
    {
        if (_pos + 1 < _pattern.Length)
        {
            switch (_pattern[_pos + 1])
            {
                case 'A': _pos += 2; items.Add(new Re2Anchor(Re2AnchorKind.BeginText)); return;
                case 'z': _pos += 2; items.Add(new Re2Anchor(Re2AnchorKind.EndText)); return;
                case 'b': _pos += 2; items.Add(new Re2Anchor(Re2AnchorKind.WordBoundary)); return;
                case 'B': _pos += 2; items.Add(new Re2Anchor(Re2AnchorKind.NotWordBoundary)); return;
                case 'C': Fail("invalid escape sequence", @"\C"); return; // any byte: not supported by Go either
                case 'Q':
                {
                    var end = _pattern.IndexOf(@"\E", _pos + 2, StringComparison.Ordinal);
                    var literalEnd = end < 0 ? _pattern.Length : end;
                    _pos += 2;
                    while (_pos < literalEnd) items.Add(new Re2Literal(ReadRune(), _fold));
                    _pos = end < 0 ? _pattern.Length : end + 2;
                    return;
                }
            }
        }
        var set = new Re2RangeSet();
        if (TryParseUnicodeClass(set) || TryParsePerlClass(set))
        {
            items.Add(new Re2Class(set, _fold, false));
            return;
        }
        items.Add(new Re2Literal(ParseEscape(), _fold));
    }

    // \pN, \p{Name}, \PN, \p{^Name}: Unicode general categories (scripts have no .NET equivalent).
    private bool TryParseUnicodeClass(Re2RangeSet set)
    {
        if (_pos + 1 >= _pattern.Length || _pattern[_pos] != '\\' || _pattern[_pos + 1] is not ('p' or 'P')) return false;
        var start = _pos;
        var negate = _pattern[_pos + 1] == 'P';
        _pos += 2;
        if (_pos >= _pattern.Length) Fail("invalid character class range", _pattern[start..]);
        string name, seq;
        if (_pattern[_pos] != '{')
        {
            ReadRune();
            seq = _pattern[start.._pos];
            name = seq[2..];
        }
        else
        {
            var end = _pattern.IndexOf('}', _pos);
            if (end < 0) Fail("invalid character class range", _pattern[start..]);
            seq = _pattern[start..(end + 1)];
            name = _pattern[(_pos + 1)..end];
            _pos = end + 1;
        }
        if (name.StartsWith('^'))
        {
            negate = !negate;
            name = name[1..];
        }
        if (name == "Any")
        {
            if (!negate) set.Add(0, Re2RangeSet.MaxRune);
            return true;
        }
        // Unknown names, and Unicode scripts (\p{Greek}), which .NET has no tables for.
        if (!Re2RangeSet.IsCategory(name)) Fail("invalid character class range", seq);
        set.Categories.Add((name, negate));
        return true;
    }

    private bool TryParsePerlClass(Re2RangeSet set)
    {
        if (_pos + 1 >= _pattern.Length || _pattern[_pos] != '\\') return false;
        var letter = _pattern[_pos + 1];
        var ranges = Re2RangeSet.PerlClass(letter);
        if (ranges is null || letter is not ('d' or 'D' or 's' or 'S' or 'w' or 'W')) return false;
        _pos += 2;
        set.AddAll(ranges, char.IsAsciiLetterUpper(letter));
        return true;
    }

    // A single-character escape (Go's parseEscape): punctuation, octal, \x, C escapes.
    private int ParseEscape()
    {
        var start = _pos;
        _pos++; // '\'
        if (_pos >= _pattern.Length) Fail("trailing backslash at end of expression", "");
        var c = ReadRune();
        switch (c)
        {
            case >= '1' and <= '7' when _pos < _pattern.Length && _pattern[_pos] is >= '0' and <= '7':
            case '0':
            {
                // Up to three octal digits; a lone \1-\9 would be a backreference, which RE2 does not support.
                var r = c - '0';
                for (var i = 1; i < 3 && _pos < _pattern.Length && _pattern[_pos] is >= '0' and <= '7'; i++) r = r * 8 + (_pattern[_pos++] - '0');
                return r;
            }
            case 'x':
                if (_pos >= _pattern.Length) break;
                if (_pattern[_pos] == '{')
                {
                    _pos++;
                    var r = 0;
                    var digits = 0;
                    while (true)
                    {
                        if (_pos >= _pattern.Length) goto invalid;
                        var h = ReadRune();
                        if (h == '}') break;
                        var v = HexValue(h);
                        if (v < 0) goto invalid;
                        r = r * 16 + v;
                        if (r > Re2RangeSet.MaxRune) goto invalid;
                        digits++;
                    }
                    if (digits == 0) break;
                    return r;
                }
                {
                    var x = HexValue(ReadRune());
                    var y = _pos < _pattern.Length ? HexValue(ReadRune()) : -1;
                    if (x < 0 || y < 0) break;
                    return x * 16 + y;
                }
            case 'a': return '\a';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'v': return '\v';
            default:
                // Escaped punctuation is always itself (including \_); escaped letters and digits are not.
                if (c < 0x80 && !char.IsAsciiLetterOrDigit((char)c)) return c;
                break;
        }
    invalid:
        Fail("invalid escape sequence", _pattern[start..Math.Min(_pos, _pattern.Length)]);
        return 0;
    }

    private static int HexValue(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    // [...] with negation, ranges, POSIX [:name:], \p classes, Perl classes and escapes.
    private Re2Class ParseClass()
    {
        var wholeClass = _pattern[_pos..];
        _pos++; // '['
        var set = new Re2RangeSet();
        var negate = false;
        if (_pos < _pattern.Length && _pattern[_pos] == '^')
        {
            negate = true;
            _pos++;
        }
        var first = true; // ']' and '-' are literals as the first item
        while (_pos >= _pattern.Length || _pattern[_pos] != ']' || first)
        {
            first = false;
            if (_pos + 2 < _pattern.Length && _pattern[_pos] == '[' && _pattern[_pos + 1] == ':')
            {
                var end = _pattern.IndexOf(":]", _pos + 2, StringComparison.Ordinal);
                if (end >= 0)
                {
                    var name = _pattern[(_pos + 2)..end];
                    var negatePosix = name.StartsWith('^');
                    var ranges = Re2RangeSet.PosixClass(negatePosix ? name[1..] : name);
                    if (ranges is null) Fail("invalid character class range", _pattern[_pos..(end + 2)]);
                    set.AddAll(ranges, negatePosix);
                    _pos = end + 2;
                    continue;
                }
            }
            if (TryParseUnicodeClass(set) || TryParsePerlClass(set)) continue;

            var rangeStart = _pos;
            var lo = ParseClassChar(wholeClass);
            var hi = lo;
            if (_pos + 1 < _pattern.Length && _pattern[_pos] == '-' && _pattern[_pos + 1] != ']')
            {
                _pos++;
                hi = ParseClassChar(wholeClass);
                if (hi < lo) Fail("invalid character class range", _pattern[rangeStart.._pos]);
            }
            set.Add(lo, hi);
        }
        _pos++; // ']'
        return new Re2Class(set, _fold, negate);
    }

    private int ParseClassChar(string wholeClass)
    {
        if (_pos >= _pattern.Length) Fail("missing closing ]", wholeClass);
        return _pattern[_pos] == '\\' ? ParseEscape() : ReadRune();
    }
}
