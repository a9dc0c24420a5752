using System.Globalization;

namespace FedFunctions.Core.Exposition;

/// <summary>
/// GoFloat formats a float64 exactly as Prometheus' text writer (<c>writeFloat</c>) does: <c>1</c>, <c>0</c>,
/// <c>-1</c>, <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>, else Go's <c>strconv.FormatFloat(f, 'g', -1, 64)</c>:
/// the shortest round-trip digits, in scientific notation iff the decimal exponent is below -4 or at least 6.
/// </summary>
internal static class GoFloat
{
    /// <summary>The most bytes <see cref="Format"/> ever writes (<c>-1.2345678901234567e-308</c> is 24).</summary>
    public const int MaxLength = 32;

    // Integral values below this magnitude print as plain integers in Go's 'g' layout (exponent < 6).
    private const double PlainIntegerLimit = 1e6;

    /// <summary>Format writes <paramref name="value"/> as UTF-8 and returns the bytes written; <paramref name="destination"/> must hold at least <see cref="MaxLength"/> bytes.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than <see cref="MaxLength"/>.</exception>
    public static int Format(double value, Span<byte> destination)
    {
        if (destination.Length < MaxLength) ThrowDestinationTooSmall();

        // Fast path: small integers (counters, gauges, bucket counts) are the common case.
        if (value == Math.Floor(value) && Math.Abs(value) < PlainIntegerLimit)
        {
            // -0 falls in here and prints as "0", as Go's writeFloat does.
            ((int)value).TryFormat(destination, out var n, default, CultureInfo.InvariantCulture);
            return n;
        }
        if (double.IsNaN(value))
        {
            "NaN"u8.CopyTo(destination);
            return 3;
        }
        if (double.IsInfinity(value))
        {
            (value > 0 ? "+Inf"u8 : "-Inf"u8).CopyTo(destination);
            return 4;
        }
        return FormatShortest(value, destination);
    }

    /// <summary>ToString returns <paramref name="value"/> formatted as <see cref="Format"/> does.</summary>
    public static string ToString(double value)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        var n = Format(value, buffer);
        return System.Text.Encoding.ASCII.GetString(buffer[..n]);
    }

    /// <summary>
    /// FormatOpenMetrics renders <paramref name="value"/> as Prometheus' <c>FormatOpenMetricsFloat</c> does for
    /// <c>le</c> and <c>quantile</c> values: <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>, otherwise Go's shortest
    /// <c>'g'</c> form with <c>.0</c> added when it has neither a point nor an exponent (<c>1</c> becomes <c>1.0</c>).
    /// </summary>
    public static string FormatOpenMetrics(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsInfinity(value)) return value > 0 ? "+Inf" : "-Inf";
        if (value == 0) return double.IsNegative(value) ? "-0.0" : "0.0";
        Span<byte> buffer = stackalloc byte[MaxLength + 2];
        var n = Format(value, buffer);
        if (buffer[..n].IndexOfAny((byte)'.', (byte)'e') < 0)
        {
            ".0"u8.CopyTo(buffer[n..]);
            n += 2;
        }
        return System.Text.Encoding.ASCII.GetString(buffer[..n]);
    }

    private static int FormatShortest(double value, Span<byte> destination)
    {
        // .NET's "R" gives the shortest round-trip digits (like Go and Ryu), but with its own layout
        // ("1E+16", "1E-05", "123.45"): collect the digits and the decimal point position, then re-lay them out.
        Span<byte> raw = stackalloc byte[MaxLength];
        value.TryFormat(raw, out var rawLength, "R", CultureInfo.InvariantCulture);
        raw = raw[..rawLength];

        Span<byte> digits = stackalloc byte[20];
        var digitCount = 0;
        var pointPosition = 0; // value = 0.d1d2...dn × 10^pointPosition
        var seenPoint = false;
        var i = 0;
        var negative = raw[0] == (byte)'-';
        if (negative) i++;
        for (; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == (byte)'.')
            {
                seenPoint = true;
            }
            else if (c == (byte)'E')
            {
                break;
            }
            else if (digitCount == 0 && c == (byte)'0')
            {
                // Leading zeros: before the point they do not count, after it they shift the point left.
                if (seenPoint) pointPosition--;
            }
            else
            {
                digits[digitCount++] = c;
                if (!seenPoint) pointPosition++;
            }
        }
        if (i < raw.Length)
        {
            // Exponent part: "E+16" / "E-05".
            var exponentNegative = raw[i + 1] == (byte)'-';
            var exponent = 0;
            for (var j = i + 2; j < raw.Length; j++) exponent = exponent * 10 + (raw[j] - '0');
            pointPosition += exponentNegative ? -exponent : exponent;
        }
        while (digitCount > 1 && digits[digitCount - 1] == (byte)'0')
        {
            digitCount--; // trailing zeros of an integer part ("100000" -> "1", point 6)
        }

        var written = 0;
        if (negative) destination[written++] = (byte)'-';
        var decimalExponent = pointPosition - 1;
        if (decimalExponent < -4 || decimalExponent >= 6)
        {
            destination[written++] = digits[0];
            if (digitCount > 1)
            {
                destination[written++] = (byte)'.';
                digits[1..digitCount].CopyTo(destination[written..]);
                written += digitCount - 1;
            }
            destination[written++] = (byte)'e';
            destination[written++] = decimalExponent < 0 ? (byte)'-' : (byte)'+';
            var e = Math.Abs(decimalExponent);
            if (e >= 100) destination[written++] = (byte)('0' + e / 100);
            destination[written++] = (byte)('0' + e / 10 % 10);
            destination[written++] = (byte)('0' + e % 10);
            return written;
        }

        if (pointPosition <= 0)
        {
            // 0.000ddd
            destination[written++] = (byte)'0';
            destination[written++] = (byte)'.';
            for (var z = pointPosition; z < 0; z++) destination[written++] = (byte)'0';
            digits[..digitCount].CopyTo(destination[written..]);
            return written + digitCount;
        }
        if (digitCount <= pointPosition)
        {
            // Integer: digits then zeros.
            digits[..digitCount].CopyTo(destination[written..]);
            written += digitCount;
            for (var z = digitCount; z < pointPosition; z++) destination[written++] = (byte)'0';
            return written;
        }
        digits[..pointPosition].CopyTo(destination[written..]);
        written += pointPosition;
        destination[written++] = (byte)'.';
        digits[pointPosition..digitCount].CopyTo(destination[written..]);
        return written + digitCount - pointPosition;
    }

    private static void ThrowDestinationTooSmall() =>
        throw new ArgumentException($"destination must hold at least {MaxLength} bytes", "destination");
}
