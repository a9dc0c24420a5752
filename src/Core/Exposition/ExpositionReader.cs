using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Unicode;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Exposition;

/// <summary>
/// ExpositionReader is the single-pass cursor over a scrape body that both text grammars share. Text 0.0.4
/// (<see cref="ReadPrometheusText"/>) and OpenMetrics 1.0 (<see cref="ReadOpenMetrics"/>) differ only in their
/// line structure; names, quoted strings, label sets and numbers are read by the same code, with
/// <see cref="_openMetrics"/> switching on the stricter rules (no blanks between tokens, no raw newline in
/// label values, a comma or brace after each label). Everything it reads goes to an
/// <see cref="ExpositionDocumentBuilder"/>; the first malformed record throws.
/// </summary>
internal ref partial struct ExpositionReader
{
    private readonly ReadOnlySpan<byte> _buf;
    private readonly bool _openMetrics;
    private readonly ExpositionDocumentBuilder _doc;
    private int _pos;

    // Where the current record (line) starts: errors report its line and quote from it.
    private int _recordStart;

    // The type of the last TYPE line, whatever family it named: Prometheus normalises le/quantile by it.
    private MetricType _currentType;

    internal ExpositionReader(ReadOnlySpan<byte> body, bool openMetrics, ExpositionDocumentBuilder doc)
    {
        _buf = body;
        _openMetrics = openMetrics;
        _doc = doc;
    }

    /// <summary>Reads the whole body into the builder, or throws at the first malformed record.</summary>
    internal void ReadAll()
    {
        if (_openMetrics) ReadOpenMetrics();
        else ReadPrometheusText();
    }

    private readonly bool AtEnd => _pos >= _buf.Length;

    /// <summary>The byte at the cursor, or 0 at the end (0 is never a token start).</summary>
    private readonly byte Peek => _pos < _buf.Length ? _buf[_pos] : (byte)0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsBlank(byte c) => c == ' ' || c == '\t';

    /// <summary>Skips spaces and tabs (text 0.0.4 allows them between any two tokens).</summary>
    private void SkipBlanks()
    {
        while (_pos < _buf.Length && IsBlank(_buf[_pos])) _pos++;
    }

    /// <summary>Skips blanks only in text 0.0.4; OpenMetrics has none between label-set tokens.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SkipBlanksIfText()
    {
        if (!_openMetrics) SkipBlanks();
    }

    /// <summary>The end of the run of bytes in <paramref name="chars"/> that starts at the cursor.</summary>
    private readonly int RunEnd(SearchValues<byte> chars)
    {
        var n = _buf[_pos..].IndexOfAnyExcept(chars);
        return n < 0 ? _buf.Length : _pos + n;
    }

    /// <summary>Reads an unquoted metric name (the cursor is on a valid first character).</summary>
    private string ReadMetricName()
    {
        var end = RunEnd(LegacyNames.MetricNameBytes);
        var name = _doc.GetString(_buf[_pos..end]);
        _pos = end;
        return name;
    }

    /// <summary>
    /// Scans the quoted string at the cursor, <c>"(\\.|[^\\"])*"</c>, leaving the cursor after the closing quote.
    /// A backslash escapes any byte but a newline; a raw newline is allowed only where
    /// <paramref name="allowRawNewline"/> says. Returns false (cursor unchanged) when the string is not terminated.
    /// </summary>
    private bool TryScanQuoted(bool allowRawNewline, out int contentStart, out int contentEnd, out bool hasEscape)
    {
        contentStart = _pos + 1;
        contentEnd = contentStart;
        hasEscape = false;
        var i = contentStart;
        while (true)
        {
            var rest = _buf[i..];
            var j = allowRawNewline ? rest.IndexOfAny((byte)'"', (byte)'\\') : rest.IndexOfAny((byte)'"', (byte)'\\', (byte)'\n');
            if (j < 0) return false;
            i += j;
            var c = _buf[i];
            if (c == '"')
            {
                contentEnd = i;
                _pos = i + 1;
                return true;
            }
            if (c == '\n') return false;
            if (i + 1 >= _buf.Length || _buf[i + 1] == '\n') return false;
            hasEscape = true;
            i += 2;
        }
    }

    /// <summary>
    /// Decodes escaped text: <c>\\</c> and <c>\n</c> always, <c>\"</c> when <paramref name="unescapeQuote"/>;
    /// any other backslash sequence stays as written, as Prometheus' replacers leave it.
    /// </summary>
    private readonly string Unescape(ReadOnlySpan<byte> raw, bool unescapeQuote)
    {
        if (raw.IndexOf((byte)'\\') < 0) return _doc.GetString(raw);
        var dst = _doc.ScratchBytes(raw.Length);
        var n = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '\\' && i + 1 < raw.Length)
            {
                var next = raw[i + 1];
                if (next == '\\' || (next == '"' && unescapeQuote))
                {
                    dst[n++] = next;
                    i++;
                    continue;
                }
                if (next == 'n')
                {
                    dst[n++] = (byte)'\n';
                    i++;
                    continue;
                }
            }
            dst[n++] = c;
        }
        return _doc.GetString(dst[..n]);
    }

    /// <summary>Reads the quoted name at the cursor (metric or label name in UTF-8 quoted form).</summary>
    private string ReadQuotedName(string expected)
    {
        var start = _pos;
        if (!TryScanQuoted(allowRawNewline: false, out var cs, out var ce, out var esc)) ThrowExpected(expected, start);
        var raw = _buf[cs..ce];
        if (!Utf8.IsValid(raw)) ThrowWhileParsing($"invalid UTF-8 name: {GoQuote(_buf[start.._pos])}", _pos);
        return esc ? Unescape(raw, unescapeQuote: true) : _doc.GetString(raw);
    }

    /// <summary>Reads the family name of a HELP/TYPE/UNIT line: plain or quoted.</summary>
    private string ReadMetadataName(string expected)
    {
        var c = Peek;
        if (c == '"') return ReadQuotedName(expected);
        if (!LegacyNames.IsMetricNameStart(c)) ThrowExpected(expected, _pos);
        return ReadMetricName();
    }

    // The TYPE words of both grammars; text 0.0.4 knows only the first five ("untyped" there, "unknown" in OpenMetrics).
    private static readonly (byte[] Word, MetricType Type, bool Text, bool OpenMetrics)[] TypeWords =
    [
        ("counter"u8.ToArray(), MetricType.Counter, true, true),
        ("gauge"u8.ToArray(), MetricType.Gauge, true, true),
        ("histogram"u8.ToArray(), MetricType.Histogram, true, true),
        ("summary"u8.ToArray(), MetricType.Summary, true, true),
        ("untyped"u8.ToArray(), MetricType.Unknown, true, false),
        ("unknown"u8.ToArray(), MetricType.Unknown, false, true),
        ("gaugehistogram"u8.ToArray(), MetricType.GaugeHistogram, false, true),
        ("info"u8.ToArray(), MetricType.Info, false, true),
        ("stateset"u8.ToArray(), MetricType.StateSet, false, true),
    ];

    /// <summary>Parses the type word of a TYPE line in the current grammar; an unknown word fails the record.</summary>
    private readonly MetricType ParseType(ReadOnlySpan<byte> text)
    {
        foreach (var (word, type, inText, inOpenMetrics) in TypeWords)
        {
            if ((_openMetrics ? inOpenMetrics : inText) && text.SequenceEqual(word)) return type;
        }
        ThrowAtRecord($"invalid metric type {GoQuote(text)}");
        return default;
    }

    /// <summary>
    /// Reads a label set; the cursor is on <c>{</c> and ends after <c>}</c>. A quoted string followed by
    /// <c>,</c> or <c>}</c> is the metric name (<c>{"my.metric"}</c>). With <paramref name="exemplar"/> the
    /// labels are checked but not kept.
    /// </summary>
    private void ReadLabelSet(ref string? metricName, bool exemplar)
    {
        _pos++; // '{'
        while (true)
        {
            SkipBlanksIfText();
            var c = Peek;
            if (c == '}')
            {
                _pos++;
                return;
            }

            string name;
            if (c == '"')
            {
                name = ReadQuotedName("expected label name");
                SkipBlanksIfText();
                var after = Peek;
                if (after is (byte)',' or (byte)'}')
                {
                    if (exemplar) ThrowWhileParsing("metric name in exemplar labels", _pos);
                    if (metricName is not null) ThrowWhileParsing("metric name already set", _pos);
                    if (name.Length == 0) ThrowWhileParsing("empty metric name", _pos);
                    metricName = name;
                    if (after == ',') _pos++;
                    continue;
                }
                if (name.Length == 0) ThrowWhileParsing("empty label name", _pos);
            }
            else if (LegacyNames.IsLabelNameStart(c))
            {
                var end = RunEnd(LegacyNames.LabelNameBytes);
                name = _doc.GetString(_buf[_pos..end]);
                _pos = end;
            }
            else
            {
                ThrowExpected("expected label name", _pos);
                return;
            }

            SkipBlanksIfText();
            if (Peek != '=') ThrowExpected("expected equal", _pos);
            _pos++;
            SkipBlanksIfText();
            var valueStart = _pos;
            if (Peek != '"') ThrowExpected("expected label value", valueStart);
            if (!TryScanQuoted(allowRawNewline: !_openMetrics, out var cs, out var ce, out var esc))
                ThrowExpected("expected label value", valueStart);
            var raw = _buf[cs..ce];
            if (!Utf8.IsValid(raw)) ThrowAtRecord($"invalid UTF-8 label value: {GoQuote(_buf[valueStart.._pos])}");
            if (!exemplar)
            {
                var value = esc ? Unescape(raw, unescapeQuote: true) : _doc.GetString(raw);
                _doc.AddLabel(name, NormaliseBound(name, value));
            }

            SkipBlanksIfText();
            // Text 0.0.4 also takes a missing comma between pairs (Prometheus' lexer never required one).
            if (Peek == ',')
            {
                _pos++;
                // OpenMetrics has no trailing comma: "{a="1",}" is refused, as Prometheus does.
                if (_openMetrics && Peek == '}') ThrowExpected("expected label name", _pos);
            }
            else if (_openMetrics && Peek != '}') ThrowExpected("expected comma or brace close", _pos);
        }
    }

    /// <summary>
    /// As Prometheus 3: in a family typed histogram an <c>le</c>, in one typed summary a <c>quantile</c> is read as
    /// a float and written back as <c>FormatOpenMetricsFloat</c> does (<c>1</c> becomes <c>1.0</c>); other values stay.
    /// </summary>
    private readonly string NormaliseBound(string name, string value)
    {
        var bound = (_currentType == MetricType.Histogram && name == "le") || (_currentType == MetricType.Summary && name == "quantile");
        if (!bound) return value;
        Span<byte> ascii = stackalloc byte[128];
        if (value.Length > 40 || System.Text.Encoding.UTF8.GetBytes(value, ascii) is var n && !TryParseGoFloat(ascii[..n], out var parsed, out _))
            return value;
        var normalised = GoFloat.FormatOpenMetrics(parsed);
        return normalised == value ? value : _doc.GetString(System.Text.Encoding.ASCII.GetBytes(normalised));
    }

    /// <summary>Ends a series: hands it to the builder and fails on a repeated label name.</summary>
    private readonly void AddSample(string metricName, double value, long? timestampMs)
    {
        var duplicate = _doc.AddSample(metricName, value, timestampMs);
        if (duplicate is not null) ThrowAtRecord($"duplicate label name \"{duplicate}\" while parsing: {GoQuote(RecordLine())}");
    }
}
