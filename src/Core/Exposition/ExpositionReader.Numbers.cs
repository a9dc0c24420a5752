using System.Buffers;
using System.Globalization;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Exposition;

/// <summary>Sample values and timestamps: Go <c>strconv.ParseFloat</c>/<c>ParseInt</c> syntax, as Prometheus reads them.</summary>
internal ref partial struct ExpositionReader
{
    // Prometheus keeps to pre-Go-1.13 float syntax: no hex floats, no digit separators.
    private static readonly SearchValues<byte> UnsupportedFloatChars = SearchValues.Create("pP_"u8);

    // Exact powers of ten for the fast path (all exactly representable as doubles).
    private static ReadOnlySpan<double> Pow10 =>
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>Parses a sample value; a NaN becomes Prometheus' normal NaN so it can never be a stale marker.</summary>
    private readonly double ParseValue(int start, int end)
    {
        var value = ParseFloatToken(start, end);
        return double.IsNaN(value) ? BitConverter.UInt64BitsToDouble(StaleNaN.NormalBits) : value;
    }

    /// <summary>Parses the float token <c>[start, end)</c> as Prometheus does, or fails the record with Go's message.</summary>
    private readonly double ParseFloatToken(int start, int end)
    {
        var token = _buf[start..end];
        if (token.ContainsAny(UnsupportedFloatChars)) ThrowWhileParsing("unsupported character in float", end);
        if (!TryParseGoFloat(token, out var value, out var outOfRange))
            ThrowWhileParsing($"strconv.ParseFloat: parsing {GoQuote(token)}: {(outOfRange ? "value out of range" : "invalid syntax")}", end);
        return value;
    }

    /// <summary>Parses a text 0.0.4 timestamp: decimal digits, an int64 of milliseconds.</summary>
    private readonly long ParseMillis(int start, int end)
    {
        var digits = _buf[start..end];
        long value = 0;
        foreach (var d in digits)
        {
            if (value > (long.MaxValue - (d - '0')) / 10)
                ThrowWhileParsing($"strconv.ParseInt: parsing {GoQuote(digits)}: value out of range", end);
            value = (value * 10) + (d - '0');
        }
        return value;
    }

    /// <summary>Parses an OpenMetrics timestamp (float seconds) into milliseconds, truncating like <c>int64(ts*1000)</c>.</summary>
    private readonly long ParseSecondsAsMillis(int start, int end)
    {
        var millis = ParseFloatToken(start, end) * 1000;
        // NaN/Inf are invalid, as in Prometheus.
        if (!double.IsFinite(millis)) ThrowWhileParsing($"invalid timestamp {GoQuote(_buf[start..end])}", end);
        // Beyond int64 Prometheus does not fail: Go's int64() on amd64 gives math.MinInt64, a point far too old to
        // keep, so the sample is dropped and the scrape goes on. The same value here is never served either.
        return millis > -9.2233720368547758E18 && millis < 9.2233720368547758E18 ? (long)millis : long.MinValue;
    }

    /// <summary>
    /// TryParseGoFloat accepts what Go's <c>strconv.ParseFloat(s, 64)</c> accepts in decimal form:
    /// an optional sign, digits with an optional point (at least one digit), an optional exponent;
    /// <c>inf</c>/<c>infinity</c> with optional sign and <c>nan</c> in any case. Out-of-range values fail with
    /// <paramref name="outOfRange"/> set; underflow rounds to zero as in Go.
    /// </summary>
    internal static bool TryParseGoFloat(ReadOnlySpan<byte> s, out double value, out bool outOfRange)
    {
        value = 0;
        outOfRange = false;
        if (s.IsEmpty) return false;

        var i = 0;
        var negative = false;
        if (s[0] is (byte)'+' or (byte)'-')
        {
            negative = s[0] == '-';
            i = 1;
        }
        if (i < s.Length && (s[i] | 0x20) is 'i' or 'n') return TryParseSpecial(s, i, negative, out value);

        // Validate the grammar and gather the mantissa for the exact fast path.
        ulong mantissa = 0;
        var mantissaDigits = 0; // significant digits gathered (leading zeros skipped)
        var scale = 0;          // power of ten to apply to the mantissa
        var digits = 0;
        var exact = true;
        for (; i < s.Length && IsDigit(s[i]); i++, digits++) AccumulateDigit(s[i], ref mantissa, ref mantissaDigits, ref scale, ref exact, fraction: false);
        if (i < s.Length && s[i] == '.')
        {
            for (i++; i < s.Length && IsDigit(s[i]); i++, digits++) AccumulateDigit(s[i], ref mantissa, ref mantissaDigits, ref scale, ref exact, fraction: true);
        }
        if (digits == 0) return false;
        if (i < s.Length && (s[i] | 0x20) == 'e')
        {
            i++;
            var expNegative = false;
            if (i < s.Length && s[i] is (byte)'+' or (byte)'-')
            {
                expNegative = s[i] == '-';
                i++;
            }
            var expDigits = 0;
            var exponent = 0;
            for (; i < s.Length && IsDigit(s[i]); i++, expDigits++)
            {
                if (exponent < 100_000) exponent = (exponent * 10) + (s[i] - '0');
            }
            if (expDigits == 0) return false;
            scale += expNegative ? -exponent : exponent;
        }
        if (i != s.Length) return false;

        // Clinger's fast path: an exact mantissa below 2^53 and an exact power of ten give a correctly rounded result.
        if (exact && mantissa < (1UL << 53) && scale is >= -22 and <= 22)
        {
            double result = mantissa;
            result = scale >= 0 ? result * Pow10[scale] : result / Pow10[-scale];
            value = negative ? -result : result;
            return true;
        }
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return false;
        if (double.IsInfinity(value))
        {
            outOfRange = true;
            return false;
        }
        return true;
    }

    private static void AccumulateDigit(byte c, ref ulong mantissa, ref int mantissaDigits, ref int scale, ref bool exact, bool fraction)
    {
        var d = (uint)(c - '0');
        if (mantissaDigits == 0 && d == 0)
        {
            if (fraction) scale--;
            return;
        }
        if (mantissaDigits < 19)
        {
            mantissa = (mantissa * 10) + d;
            mantissaDigits++;
            if (fraction) scale--;
            return;
        }
        // More digits than a ulong holds: leave it to the full parser.
        exact = false;
        if (!fraction) scale++;
    }

    private static bool TryParseSpecial(ReadOnlySpan<byte> s, int start, bool negative, out double value)
    {
        var word = s[start..];
        value = 0;
        if (EqualsIgnoreAsciiCase(word, "inf"u8) || EqualsIgnoreAsciiCase(word, "infinity"u8))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        // Go takes no sign before NaN.
        if (start == 0 && EqualsIgnoreAsciiCase(word, "nan"u8))
        {
            value = double.NaN;
            return true;
        }
        return false;
    }

    private static bool EqualsIgnoreAsciiCase(ReadOnlySpan<byte> s, ReadOnlySpan<byte> lower)
    {
        if (s.Length != lower.Length) return false;
        for (var i = 0; i < s.Length; i++)
        {
            if ((s[i] | 0x20) != lower[i]) return false;
        }
        return true;
    }
}
