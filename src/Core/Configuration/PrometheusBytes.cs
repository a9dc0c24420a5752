using System.Globalization;

namespace FedFunctions.Core.Configuration;

/// <summary>
/// PrometheusBytes parses byte sizes as Prometheus' <c>body_size_limit</c> does (<c>units.Base2Bytes</c>):
/// one or more amounts, each a decimal number with a unit <c>B</c>, <c>KB</c>/<c>KiB</c>, <c>MB</c>/<c>MiB</c>,
/// <c>GB</c>/<c>GiB</c>, <c>TB</c>/<c>TiB</c>, <c>PB</c>/<c>PiB</c>, <c>EB</c>/<c>EiB</c>, all powers of 1024
/// (<c>10MB</c> is 10 MiB, <c>1GB512MB</c> is 1.5 GiB); a bare <c>0</c> is zero. Units are case-sensitive.
/// </summary>
internal static class PrometheusBytes
{
    private static readonly Dictionary<string, long> Units = new(StringComparer.Ordinal)
    {
        ["B"] = 1,
        ["KB"] = 1L << 10, ["KiB"] = 1L << 10,
        ["MB"] = 1L << 20, ["MiB"] = 1L << 20,
        ["GB"] = 1L << 30, ["GiB"] = 1L << 30,
        ["TB"] = 1L << 40, ["TiB"] = 1L << 40,
        ["PB"] = 1L << 50, ["PiB"] = 1L << 50,
        ["EB"] = 1L << 60, ["EiB"] = 1L << 60,
    };

    /// <summary>TryParse reads <paramref name="text"/> into bytes; false when it is not a valid size or overflows.</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrEmpty(text)) return false;
        if (text == "0") return true;

        decimal total = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            if (i == start) return false;
            if (!decimal.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)) return false;
            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i])) i++;
            // A missing unit is an error, as in units.ParseUnit ("missing unit").
            if (!Units.TryGetValue(text[unitStart..i], out var scale)) return false;
            total += amount * scale;
            if (total > long.MaxValue) return false;
        }
        bytes = (long)total;
        return true;
    }
}
