using System.Buffers;
using System.Text.Unicode;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Exposition;

/// <summary>The text 0.0.4 line grammar (Prometheus' <c>promlex.l</c>/<c>promparse.go</c>).</summary>
internal ref partial struct ExpositionReader
{
    // A text value is whatever runs up to a blank, newline or brace; ParseFloat then judges it.
    private static readonly SearchValues<byte> TextValueEnd = SearchValues.Create(" \t\n{"u8);

    private void ReadPrometheusText()
    {
        while (true)
        {
            _recordStart = _pos;
            SkipBlanks();
            if (AtEnd) return;
            var c = _buf[_pos];
            if (c == '\n') _pos++; // blank line
            else if (c == '#') ReadTextComment();
            else if (c == '{' || LegacyNames.IsMetricNameStart(c)) ReadTextSample();
            else ThrowExpected("expected a valid start token", _pos);
        }
    }

    /// <summary>
    /// A <c>#</c> line: <c># HELP name text</c> and <c># TYPE name type</c> (blanks or tabs after <c>#</c> and
    /// the keyword) are metadata; any other <c>#</c> line is a comment and ignored.
    /// </summary>
    private void ReadTextComment()
    {
        _pos++; // '#'
        var afterHash = _pos;
        SkipBlanks();
        var rest = _buf[_pos..];
        var isHelp = rest.Length > 4 && rest.StartsWith("HELP"u8) && IsBlank(rest[4]);
        var isType = !isHelp && rest.Length > 4 && rest.StartsWith("TYPE"u8) && IsBlank(rest[4]);
        if (_pos == afterHash || !(isHelp || isType))
        {
            SkipLine();
            return;
        }

        _pos += 4;
        SkipBlanks();
        var family = ReadMetadataName(isHelp ? "expected metric name after HELP" : "expected metric name after TYPE");

        // As promlex: the name ends the line or one blank separates it from the text (`# HELP a.b` is an error,
        // not HELP "b" for family "a").
        if (!AtEnd && _buf[_pos] != '\n')
        {
            if (!IsBlank(_buf[_pos])) ThrowExpected(isHelp ? "expected text in HELP" : "expected text in TYPE", _pos);
            _pos++;
        }
        var lineEnd = LineEnd();
        var text = _buf[_pos..lineEnd];
        _pos = lineEnd < _buf.Length ? lineEnd + 1 : lineEnd;

        if (isType)
        {
            _currentType = ParseType(text);
            _doc.SetType(family, _currentType);
            return;
        }
        if (!Utf8.IsValid(text)) ThrowAtRecord($"help text {GoQuote(text)} is not a valid utf8 string");
        _doc.SetHelp(family, Unescape(text, unescapeQuote: false));
    }

    /// <summary>
    /// A sample line: <c>name{labels} value [timestamp]</c>, where the name may instead be a quoted string
    /// inside the braces, blanks may separate any tokens and the timestamp is an int64 in milliseconds.
    /// </summary>
    private void ReadTextSample()
    {
        string? name = _buf[_pos] == '{' ? null : ReadMetricName();
        _doc.BeginSeries();
        SkipBlanks();
        if (Peek == '{')
        {
            ReadLabelSet(ref name, exemplar: false);
            SkipBlanks();
        }
        if (name is null)
        {
            ThrowWhileParsing("metric name not set", _pos);
            return;
        }

        var valueEnd = _buf[_pos..].IndexOfAny(TextValueEnd);
        valueEnd = valueEnd < 0 ? _buf.Length : _pos + valueEnd;
        if (valueEnd == _pos) ThrowExpected("expected value after metric", _pos);
        var value = ParseValue(_pos, valueEnd);
        _pos = valueEnd;
        SkipBlanks();

        long? timestamp = null;
        if (!AtEnd && _buf[_pos] != '\n')
        {
            if (!IsDigit(_buf[_pos])) ThrowExpected("expected timestamp or new record", _pos);
            var digitsEnd = _pos + 1;
            while (digitsEnd < _buf.Length && IsDigit(_buf[digitsEnd])) digitsEnd++;
            timestamp = ParseMillis(_pos, digitsEnd);
            _pos = digitsEnd;
            SkipBlanks();
            if (!AtEnd && _buf[_pos] != '\n') ThrowExpected("expected next entry after timestamp", _pos);
        }
        if (!AtEnd) _pos++; // '\n'; a missing final newline is tolerated like Prometheus does
        AddSample(name, value, timestamp);
    }

    /// <summary>The index of the newline that ends the line at the cursor, or the body length.</summary>
    private readonly int LineEnd()
    {
        var n = _buf[_pos..].IndexOf((byte)'\n');
        return n < 0 ? _buf.Length : _pos + n;
    }

    private void SkipLine()
    {
        var end = LineEnd();
        _pos = end < _buf.Length ? end + 1 : end;
    }
}
