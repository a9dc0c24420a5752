using System.Text.Unicode;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Exposition;

/// <summary>
/// The OpenMetrics 1.0 line grammar (Prometheus' <c>openmetricslex.l</c>/<c>openmetricsparse.go</c>): single
/// spaces, no blank or comment lines, <c># UNIT</c>, exemplars, float-second timestamps and a final <c># EOF</c>.
/// </summary>
internal ref partial struct ExpositionReader
{
    private void ReadOpenMetrics()
    {
        while (true)
        {
            _recordStart = _pos;
            if (AtEnd) ThrowAtRecord("data does not end with # EOF");
            var c = _buf[_pos];
            if (c == '#')
            {
                if (ReadOpenMetricsDescriptor()) return;
            }
            else if (c == '{' || LegacyNames.IsMetricNameStart(c))
            {
                ReadOpenMetricsSample();
            }
            else
            {
                ThrowExpected("expected a valid start token", _pos);
            }
        }
    }

    /// <summary>Reads <c># HELP|TYPE|UNIT name text</c>; returns true at <c># EOF</c> (which must end the body).</summary>
    private bool ReadOpenMetricsDescriptor()
    {
        var rest = _buf[_pos..];
        if (rest.StartsWith("# EOF"u8) && (rest.Length == 5 || rest[5] == '\n'))
        {
            _pos += rest.Length == 5 ? 5 : 6;
            if (!AtEnd)
            {
                _recordStart = _pos;
                ThrowAtRecord("unexpected data after # EOF");
            }
            return true;
        }

        string keyword;
        if (rest.StartsWith("# HELP "u8)) keyword = "HELP";
        else if (rest.StartsWith("# TYPE "u8)) keyword = "TYPE";
        else if (rest.StartsWith("# UNIT "u8)) keyword = "UNIT";
        else
        {
            // OpenMetrics has no free comments.
            ThrowExpected("expected a valid start token", _pos);
            return false;
        }
        _pos += 7;
        var family = ReadMetadataName("expected metric name after " + keyword);
        if (AtEnd) ThrowAtRecord("data does not end with # EOF");
        if (_buf[_pos] != ' ') ThrowExpected("expected text in " + keyword, _pos);
        _pos++;
        var lineEnd = LineEnd();
        if (lineEnd == _buf.Length) ThrowAtRecord("data does not end with # EOF");
        var text = _buf[_pos..lineEnd];
        _pos = lineEnd + 1;

        switch (keyword)
        {
            case "TYPE":
                _currentType = ParseType(text);
                _doc.SetType(family, _currentType);
                break;
            case "HELP":
                if (!Utf8.IsValid(text)) ThrowAtRecord($"help text {GoQuote(text)} is not a valid utf8 string");
                _doc.SetHelp(family, Unescape(text, unescapeQuote: true));
                break;
            default:
                if (!Utf8.IsValid(text)) ThrowAtRecord($"unit {GoQuote(text)} is not a valid utf8 string");
                var unit = _doc.GetString(text);
                // The unit must be a "_"-separated suffix of the family name ("_seconds" has unit "seconds", as in Prometheus).
                if (unit.Length > 0 && !(family.Length >= unit.Length + 1 && family.EndsWith(unit, StringComparison.Ordinal) &&
                                         family[family.Length - unit.Length - 1] == '_'))
                    ThrowAtRecord($"unit \"{unit}\" not a suffix of metric \"{family}\"");
                _doc.SetUnit(family, unit);
                break;
        }
        return false;
    }

    /// <summary>
    /// A sample line: <c>name{labels} value[ timestamp][ # {labels} value[ timestamp]]</c> with single spaces;
    /// the timestamp is float seconds (kept as <c>int64(ts*1000)</c> ms); the exemplar is checked and dropped.
    /// </summary>
    private void ReadOpenMetricsSample()
    {
        string? name = _buf[_pos] == '{' ? null : ReadMetricName();
        _doc.BeginSeries();
        if (Peek == '{') ReadLabelSet(ref name, exemplar: false);
        if (name is null)
        {
            ThrowWhileParsing("metric name not set", _pos);
            return;
        }

        ExpectSpaceAndToken("expected value after metric", out var valueStart, out var valueEnd);
        var value = ParseValue(valueStart, valueEnd);

        long? timestamp = null;
        if (Peek == ' ')
        {
            _pos++;
            if (!AtExemplar())
            {
                var tsStart = _pos;
                var tsEnd = TokenEnd();
                if (tsEnd == tsStart) ThrowExpected("expected timestamp or new record", _pos);
                timestamp = ParseSecondsAsMillis(tsStart, tsEnd);
                _pos = tsEnd;
                if (Peek == ' ')
                {
                    _pos++;
                    if (!AtExemplar()) ThrowExpected("expected next entry after timestamp", _pos);
                }
            }
            if (AtExemplar()) ReadExemplar(name);
        }
        ExpectLineEnd();
        AddSample(name, value, timestamp);
    }

    private readonly bool AtExemplar() => _buf[_pos..].StartsWith("# {"u8);

    /// <summary>Reads <c># {labels} value[ timestamp]</c>: validated like a sample, then dropped.</summary>
    private void ReadExemplar(string metricName)
    {
        // As Prometheus 2.42 (and the specification, which allows them on counters and histogram buckets): only a
        // sample named *_total or *_bucket carries an exemplar, whatever its family's TYPE says.
        if (!metricName.EndsWith("_total", StringComparison.Ordinal) && !metricName.EndsWith("_bucket", StringComparison.Ordinal))
            ThrowWhileParsing($"metric name {metricName} does not support exemplars", _pos);
        _pos += 2; // "# "
        string? none = null;
        ReadLabelSet(ref none, exemplar: true);
        ExpectSpaceAndToken("expected value after exemplar labels", out var valueStart, out var valueEnd);
        ParseValue(valueStart, valueEnd);
        if (Peek == ' ')
        {
            _pos++;
            var tsStart = _pos;
            var tsEnd = TokenEnd();
            if (tsEnd == tsStart) ThrowExpected("expected exemplar timestamp", _pos);
            ParseSecondsAsMillis(tsStart, tsEnd);
            _pos = tsEnd;
        }
    }

    /// <summary>Expects one space then a token of non-space, non-newline bytes; leaves the cursor after it.</summary>
    private void ExpectSpaceAndToken(string expected, out int start, out int end)
    {
        if (AtEnd) ThrowAtRecord("data does not end with # EOF");
        if (_buf[_pos] != ' ') ThrowExpected(expected, _pos);
        start = _pos + 1;
        _pos = start;
        end = TokenEnd();
        if (end == start) ThrowExpected(expected, _pos);
        _pos = end;
    }

    /// <summary>The end of the token at the cursor: it runs to the next space or newline.</summary>
    private readonly int TokenEnd()
    {
        var n = _buf[_pos..].IndexOfAny((byte)' ', (byte)'\n');
        return n < 0 ? _buf.Length : _pos + n;
    }

    private void ExpectLineEnd()
    {
        if (AtEnd) ThrowAtRecord("data does not end with # EOF");
        if (_buf[_pos] != '\n') ThrowExpected("expected next entry after timestamp", _pos);
        _pos++;
    }
}
