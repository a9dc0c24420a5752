using System.Buffers;
using System.Text;

namespace FedFunctions.Core.Model;

/// <summary>
/// LabelValueEscaping is the one rule for writing a label value (or a quoted name) between double quotes, as the
/// text format and Prometheus' messages do: <c>\</c> becomes <c>\\</c>, <c>"</c> becomes <c>\"</c> and a newline
/// becomes <c>\n</c>; everything else stays as it is.
/// </summary>
internal static class LabelValueEscaping
{
    /// <summary>The characters that are escaped.</summary>
    public static readonly SearchValues<char> Specials = SearchValues.Create("\\\n\"");

    /// <summary>The character written after the backslash for <paramref name="special"/> (one of <see cref="Specials"/>).</summary>
    public static char EscapeLetter(char special) => special == '\n' ? 'n' : special;

    /// <summary>Appends <paramref name="value"/> escaped (without the quotes).</summary>
    public static StringBuilder AppendEscaped(this StringBuilder sb, string value)
    {
        var rest = value.AsSpan();
        while (true)
        {
            var index = rest.IndexOfAny(Specials);
            if (index < 0) return sb.Append(rest);
            sb.Append(rest[..index]).Append('\\').Append(EscapeLetter(rest[index]));
            rest = rest[(index + 1)..];
        }
    }

    /// <summary><paramref name="value"/> escaped (without the quotes).</summary>
    public static string Escape(string value) =>
        value.AsSpan().IndexOfAny(Specials) < 0 ? value : new StringBuilder(value.Length + 8).AppendEscaped(value).ToString();
}
