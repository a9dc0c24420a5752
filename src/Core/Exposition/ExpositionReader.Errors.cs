using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Exposition;

/// <summary>
/// Error reporting, kept out of the hot methods. Messages follow Prometheus' parser errors
/// (<c>expected label value, got "'" while parsing: "a{b='"</c>) prefixed with the 1-based line of the record.
/// </summary>
internal ref partial struct ExpositionReader
{
    /// <summary>Throws "<paramref name="expected"/>, got TOKEN while parsing: RECORD-SO-FAR" for the token at <paramref name="at"/>.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void ThrowExpected(string expected, int at)
    {
        var tokenEnd = TokenEndForError(at);
        string got;
        if (at >= _buf.Length) got = _openMetrics ? "EOF" : GoQuote("\n"u8); // Prometheus reads text as if it ended in "\n"
        else got = GoQuote(_buf[at..tokenEnd]);
        throw Error($"{expected}, got {got} while parsing: {GoQuote(_buf[_recordStart..tokenEnd])}");
    }

    /// <summary>Throws "<paramref name="message"/> while parsing: RECORD-UP-TO-<paramref name="end"/>".</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void ThrowWhileParsing(string message, int end) =>
        throw Error($"{message} while parsing: {GoQuote(_buf[_recordStart..Math.Min(end, _buf.Length)])}");

    /// <summary>Throws <paramref name="message"/> for the current record.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void ThrowAtRecord(string message) => throw Error(message);

    private readonly ExpositionParseException Error(string message)
    {
        var line = _buf[.._recordStart].Count((byte)'\n') + 1;
        return new ExpositionParseException($"line {line.ToString(CultureInfo.InvariantCulture)}: {message}", line);
    }

    /// <summary>The current record up to the end of its line (for messages).</summary>
    private readonly ReadOnlySpan<byte> RecordLine()
    {
        var n = _buf[_recordStart..].IndexOf((byte)'\n');
        return n < 0 ? _buf[_recordStart..] : _buf.Slice(_recordStart, n);
    }

    /// <summary>The offending token for a message: a run of name characters, or one UTF-8 character.</summary>
    private readonly int TokenEndForError(int at)
    {
        if (at >= _buf.Length) return _buf.Length;
        if (LegacyNames.IsLabelNameStart(_buf[at]) || IsDigit(_buf[at]))
        {
            var n = _buf[at..].IndexOfAnyExcept(LegacyNames.MetricNameBytes);
            return n < 0 ? _buf.Length : at + n;
        }
        return System.Text.Rune.DecodeFromUtf8(_buf[at..], out _, out var consumed) == System.Buffers.OperationStatus.Done ? at + consumed : at + 1;
    }

    /// <summary>GoQuote renders bytes like Go's <c>%q</c>: double-quoted, escapes for quotes, controls and invalid UTF-8.</summary>
    internal static string GoQuote(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length + 2).Append('"');
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                sb.Append("\\x").Append(bytes[0].ToString("x2", CultureInfo.InvariantCulture));
                bytes = bytes[1..];
                continue;
            }
            bytes = bytes[consumed..];
            switch (rune.Value)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (rune.Value < 0x20 || rune.Value == 0x7f) sb.Append("\\x").Append(rune.Value.ToString("x2", CultureInfo.InvariantCulture));
                    else if (Rune.IsControl(rune)) sb.Append("\\u").Append(rune.Value.ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(rune.ToString());
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
