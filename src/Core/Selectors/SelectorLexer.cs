namespace FedFunctions.Core.Selectors;

/// <summary>
/// SelectorLexer splits a selector into PromQL items, one at a time, following Prometheus' <c>promql/parser</c>
/// lexer: a top-level state and an inside-braces state, <c>#</c> line comments, and errors reported as
/// <see cref="SelectorTokenKind.Error"/> items positioned at the start of the item being scanned.
/// </summary>
internal sealed class SelectorLexer
{
    private static readonly Dictionary<string, SelectorTokenKind> Words = new(StringComparer.Ordinal)
    {
        ["and"] = SelectorTokenKind.OperatorWord, ["or"] = SelectorTokenKind.OperatorWord,
        ["unless"] = SelectorTokenKind.OperatorWord, ["atan2"] = SelectorTokenKind.OperatorWord,
        ["sum"] = SelectorTokenKind.Aggregator, ["avg"] = SelectorTokenKind.Aggregator, ["count"] = SelectorTokenKind.Aggregator,
        ["min"] = SelectorTokenKind.Aggregator, ["max"] = SelectorTokenKind.Aggregator, ["group"] = SelectorTokenKind.Aggregator,
        ["stddev"] = SelectorTokenKind.Aggregator, ["stdvar"] = SelectorTokenKind.Aggregator, ["topk"] = SelectorTokenKind.Aggregator,
        ["bottomk"] = SelectorTokenKind.Aggregator, ["count_values"] = SelectorTokenKind.Aggregator,
        ["quantile"] = SelectorTokenKind.Aggregator, ["limitk"] = SelectorTokenKind.Aggregator, ["limit_ratio"] = SelectorTokenKind.Aggregator,
        ["offset"] = SelectorTokenKind.Keyword, ["smoothed"] = SelectorTokenKind.Keyword, ["anchored"] = SelectorTokenKind.Keyword,
        ["by"] = SelectorTokenKind.Keyword, ["without"] = SelectorTokenKind.Keyword, ["on"] = SelectorTokenKind.Keyword,
        ["ignoring"] = SelectorTokenKind.Keyword, ["group_left"] = SelectorTokenKind.Keyword,
        ["group_right"] = SelectorTokenKind.Keyword, ["bool"] = SelectorTokenKind.Keyword,
        ["start"] = SelectorTokenKind.Preprocessor, ["end"] = SelectorTokenKind.Preprocessor,
        ["step"] = SelectorTokenKind.Preprocessor, ["range"] = SelectorTokenKind.Preprocessor,
        // Special numbers.
        ["inf"] = SelectorTokenKind.Number, ["nan"] = SelectorTokenKind.Number,
    };

    private readonly string _input;
    private int _pos;
    private bool _braceOpen;

    public SelectorLexer(string input) => _input = input;

    /// <summary>Scans the next item, skipping white space and comments.</summary>
    public SelectorToken Next()
    {
        while (true)
        {
            while (_pos < _input.Length && IsSpace(_input[_pos])) _pos++;
            if (_pos < _input.Length && _input[_pos] == '#')
            {
                while (_pos < _input.Length && _input[_pos] is not ('\n' or '\r')) _pos++;
                continue;
            }
            return _braceOpen ? NextInsideBraces() : NextStatement();
        }
    }

    private SelectorToken NextInsideBraces()
    {
        var start = _pos;
        if (_pos >= _input.Length) return Error(start, "unexpected end of input inside braces");
        var c = _input[_pos];
        switch (c)
        {
            case ',': _pos++; return Token(SelectorTokenKind.Comma, start);
            case '"' or '\'': return LexString(start, c);
            case '`': return LexRawString(start);
            case '=':
                _pos++;
                if (_pos < _input.Length && _input[_pos] == '~') { _pos++; return Token(SelectorTokenKind.RegexMatch, start); }
                return Token(SelectorTokenKind.Equal, start);
            case '!':
                _pos++;
                var next = PeekRune();
                if (next == '~') { _pos++; return Token(SelectorTokenKind.RegexNoMatch, start); }
                if (next == '=') { _pos++; return Token(SelectorTokenKind.NotEqual, start); }
                return Error(start, "unexpected character after '!' inside braces: " + GoText.QuoteRune(next));
            case '{': return Error(start, "unexpected left brace '{'");
            case '}':
                _pos++;
                _braceOpen = false;
                return Token(SelectorTokenKind.RightBrace, start);
        }
        if (IsAlpha(c))
        {
            while (_pos < _input.Length && IsAlphaNumeric(_input[_pos])) _pos++;
            return Token(SelectorTokenKind.Identifier, start);
        }
        return Error(start, "unexpected character inside braces: " + GoText.QuoteRune(PeekRune()));
    }

    private SelectorToken NextStatement()
    {
        var start = _pos;
        if (_pos >= _input.Length) return new SelectorToken(SelectorTokenKind.Eof, start, "");
        var c = _input[_pos];
        switch (c)
        {
            case ',': _pos++; return Token(SelectorTokenKind.Comma, start);
            case '*' or '/' or '%' or '+' or '-' or '^' or '@': _pos++; return Token(SelectorTokenKind.Operator, start);
            case '(': _pos++; return Token(SelectorTokenKind.LeftParen, start);
            case ')': _pos++; return Token(SelectorTokenKind.RightParen, start);
            case '[': _pos++; return Token(SelectorTokenKind.LeftBracket, start);
            case ']': _pos++; return Error(start, "unexpected right bracket ']'");
            case '{': _pos++; _braceOpen = true; return Token(SelectorTokenKind.LeftBrace, start);
            case '"' or '\'': return LexString(start, c);
            case '`': return LexRawString(start);
            case '=':
                _pos++;
                if (_pos < _input.Length && _input[_pos] == '=') { _pos++; return Token(SelectorTokenKind.Operator, start); }
                if (_pos < _input.Length && _input[_pos] == '~') return Error(start, "unexpected character after '=': '~'");
                return Token(SelectorTokenKind.Equal, start);
            case '!':
                _pos++;
                var next = PeekRune();
                if (next != '=') return Error(start, "unexpected character after '!': " + GoText.QuoteRune(next));
                _pos++;
                return Token(SelectorTokenKind.NotEqual, start);
            case '<' or '>':
                _pos++;
                if (_pos < _input.Length && _input[_pos] == '=') _pos++;
                return Token(SelectorTokenKind.Operator, start);
        }
        if (IsDigit(c) || (c == '.' && _pos + 1 < _input.Length && IsDigit(_input[_pos + 1]))) return LexNumberOrDuration(start);
        if (IsAlpha(c) || c == ':') return LexKeywordOrIdentifier(start);
        return Error(start, "unexpected character: " + GoText.QuoteRune(PeekRune()));
    }

    private SelectorToken LexKeywordOrIdentifier(int start)
    {
        while (_pos < _input.Length && (IsAlphaNumeric(_input[_pos]) || _input[_pos] == ':')) _pos++;
        var word = _input[start.._pos];
        if (Words.TryGetValue(word.ToLowerInvariant(), out var kind)) return new SelectorToken(kind, start, word);
        return new SelectorToken(word.Contains(':') ? SelectorTokenKind.MetricIdentifier : SelectorTokenKind.Identifier, start, word);
    }

    // Numbers and durations are never valid in a selector; they are lexed only to name them in the error.
    private SelectorToken LexNumberOrDuration(int start)
    {
        if (ScanNumber()) return Token(SelectorTokenKind.Number, start);
        if (AcceptRemainingDuration()) return Token(SelectorTokenKind.Duration, start);
        return Error(start, "bad number or duration syntax: " + GoText.Quote(_input[start..Math.Min(_pos, _input.Length)]));
    }

    private bool AtEnd() => _pos >= _input.Length;

    private bool ScanNumber()
    {
        var initial = _pos;
        var digits = "0123456789";
        if (Accept("0") && Accept("xX"))
        {
            Accept("_");
            digits = "0123456789abcdefABCDEF";
        }
        Accept(".");
        Accept(digits);
        bool dot = false, exponent = false;
        while (Is(digits + "._eE"))
        {
            if (Is(".") && dot) { Accept("."); return false; }
            if (Is("eE") && exponent) { Accept("eE"); return false; }
            if (Accept("."))
            {
                dot = true;
                if (Accept("_.") || digits.Length > 10) return false;
                continue;
            }
            if (Accept("eE"))
            {
                exponent = true;
                Accept("+-");
                if (Accept("._eE") || AtEnd()) return false;
                continue;
            }
            if (Accept("_"))
            {
                if (Accept("._eE") || AtEnd()) return false;
                continue;
            }
            while (Is(digits)) _pos++;
        }
        if (_pos == initial) return false;
        return AtEnd() || !IsAlphaNumeric(_input[_pos]);
    }

    private bool AcceptRemainingDuration()
    {
        if (!Accept("smhdwy")) return false;
        Accept("s");
        while (Accept("0123456789"))
        {
            while (Accept("0123456789")) { }
            if (!Accept("smhdw")) return false;
            Accept("s");
        }
        return AtEnd() || !IsAlphaNumeric(_input[_pos]);
    }

    private bool Is(string valid) => _pos < _input.Length && valid.Contains(_input[_pos]);

    private bool Accept(string valid)
    {
        if (!Is(valid)) return false;
        _pos++;
        return true;
    }

    private SelectorToken LexString(int start, char quote)
    {
        _pos++;
        while (true)
        {
            if (_pos >= _input.Length) return Error(start, "unterminated quoted string");
            var rune = GoText.ReadRune(_input, ref _pos);
            if (rune == '\\')
            {
                var escapeError = ScanEscape(quote);
                if (escapeError is not null) return Error(start, escapeError);
                continue;
            }
            // Go decodes invalid UTF-8 (and U+FFFD itself) as utf8.RuneError and rejects it.
            if (rune == 0xFFFD) return Error(start, "invalid UTF-8 rune");
            if (rune == '\n') return Error(start, "unterminated quoted string");
            if (rune == quote) return Token(SelectorTokenKind.String, start);
        }
    }

    private string? ScanEscape(char quote)
    {
        var ch = NextRune();
        int n, radix, max;
        switch (ch)
        {
            case 'a' or 'b' or 'f' or 'n' or 'r' or 't' or 'v' or '\\':
                return null;
            case >= '0' and <= '7':
                (n, radix, max) = (3, 8, 255);
                break;
            case 'x': ch = NextRune(); (n, radix, max) = (2, 16, 255); break;
            case 'u': ch = NextRune(); (n, radix, max) = (4, 16, 0x10FFFF); break;
            case 'U': ch = NextRune(); (n, radix, max) = (8, 16, 0x10FFFF); break;
            case GoText.Eof: return "escape sequence not terminated";
            default:
                if (ch == quote) return null;
                return "unknown escape sequence " + GoText.FormatU(ch);
        }
        long x = 0;
        while (n > 0)
        {
            var d = DigitValue(ch);
            if (d >= radix) return ch == GoText.Eof ? "escape sequence not terminated" : $"illegal character {GoText.FormatU(ch)} in escape sequence";
            x = x * radix + d;
            if (--n > 0) ch = NextRune();
        }
        return x > max || (x >= 0xD800 && x < 0xE000) ? "escape sequence is an invalid Unicode code point" : null;
    }

    private SelectorToken LexRawString(int start)
    {
        _pos++;
        while (true)
        {
            if (_pos >= _input.Length) return Error(start, "unterminated raw string");
            var rune = GoText.ReadRune(_input, ref _pos);
            if (rune == 0xFFFD) return Error(start, "invalid UTF-8 rune");
            if (rune == '`') return Token(SelectorTokenKind.String, start);
        }
    }

    private static int DigitValue(int ch) => ch switch
    {
        >= '0' and <= '9' => ch - '0',
        >= 'a' and <= 'f' => ch - 'a' + 10,
        >= 'A' and <= 'F' => ch - 'A' + 10,
        _ => 16,
    };

    private int NextRune() => _pos >= _input.Length ? GoText.Eof : GoText.ReadRune(_input, ref _pos);

    private int PeekRune()
    {
        if (_pos >= _input.Length) return GoText.Eof;
        var i = _pos;
        return GoText.ReadRune(_input, ref i);
    }

    private SelectorToken Token(SelectorTokenKind kind, int start) => new(kind, start, _input[start.._pos]);

    private static SelectorToken Error(int start, string message) => new(SelectorTokenKind.Error, start, message);

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\r';

    private static bool IsAlpha(char c) => c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private static bool IsAlphaNumeric(char c) => IsAlpha(c) || IsDigit(c);
}
