using System.Globalization;
using System.Text;

namespace FedFunctions.Core.Configuration;

/// <summary>
/// PrometheusDuration parses and formats durations in Prometheus' syntax (<c>model.ParseDuration</c>):
/// integer amounts with units <c>y w d h m s ms</c>, each at most once and in that order (<c>1h30m</c>,
/// <c>15s</c>, <c>500ms</c>); a bare <c>0</c> is zero. No fractions, no signs, no spaces. A year is 365 days.
/// </summary>
public static class PrometheusDuration
{
    private static readonly (string Unit, long Ms)[] Units =
    [
        ("y", 365L * 24 * 3600 * 1000),
        ("w", 7L * 24 * 3600 * 1000),
        ("d", 24L * 3600 * 1000),
        ("h", 3600L * 1000),
        ("m", 60L * 1000),
        ("s", 1000L),
        ("ms", 1L),
    ];

    /// <summary>TryParse reads <paramref name="text"/>; false when it is not a valid Prometheus duration.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text)) return false;
        if (text == "0") return true;

        long totalMs = 0;
        var nextUnit = 0; // units must appear in descending order, each once
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            if (i == start) return false;
            if (!long.TryParse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var amount)) return false;

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetterLower(text[i])) i++;
            var unit = text.AsSpan(unitStart, i - unitStart);
            var index = -1;
            for (var u = nextUnit; u < Units.Length; u++)
            {
                if (unit.SequenceEqual(Units[u].Unit)) { index = u; break; }
            }
            if (index < 0) return false;
            nextUnit = index + 1;
            try
            {
                totalMs = checked(totalMs + checked(amount * Units[index].Ms));
            }
            catch (OverflowException)
            {
                return false;
            }
        }
        if (totalMs > (long)TimeSpan.MaxValue.TotalMilliseconds) return false;
        duration = TimeSpan.FromMilliseconds(totalMs);
        return true;
    }

    /// <summary>Parse reads <paramref name="text"/> or throws <see cref="FormatException"/>.</summary>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var duration) ? duration : throw new FormatException($"not a valid duration string: \"{text}\"");

    /// <summary>Format writes <paramref name="duration"/> the way Prometheus prints it (<c>1h30m</c>, <c>15s</c>, <c>0s</c>).</summary>
    public static string Format(TimeSpan duration)
    {
        var ms = (long)duration.TotalMilliseconds;
        if (ms == 0) return "0s";
        var sb = new StringBuilder();
        foreach (var (unit, unitMs) in Units)
        {
            var amount = ms / unitMs;
            if (amount == 0) continue;
            sb.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
            ms -= amount * unitMs;
        }
        return sb.ToString();
    }
}
