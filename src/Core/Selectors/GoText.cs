using System.Globalization;
using System.Text;

namespace FedFunctions.Core.Selectors;

/// <summary>
/// GoText formats strings and runes the way Go's <c>fmt</c> verbs <c>%q</c>, <c>%.10q</c> and <c>%#U</c> do, so that
/// error messages and matcher strings read exactly like Prometheus'.
/// </summary>
internal static class GoText
{
    /// <summary>The rune value the lexer uses for end of input (Go prints it as U+FFFD).</summary>
    public const int Eof = -1;

    /// <summary>Whether Go's <c>strconv.IsPrint</c> holds: letters, marks, numbers, punctuation, symbols and ASCII space.</summary>
    public static bool IsPrint(int rune)
    {
        if (rune == ' ') return true;
        if (rune < 0 || rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) return false;
        switch (CharUnicodeInfo.GetUnicodeCategory(rune))
        {
            case UnicodeCategory.Control:
            case UnicodeCategory.Format:
            case UnicodeCategory.Surrogate:
            case UnicodeCategory.PrivateUse:
            case UnicodeCategory.OtherNotAssigned:
            case UnicodeCategory.SpaceSeparator:
            case UnicodeCategory.LineSeparator:
            case UnicodeCategory.ParagraphSeparator:
                return false;
            default:
                return true;
        }
    }

    /// <summary>Quotes a string as Go's <c>strconv.Quote</c> (<c>%q</c>).</summary>
    public static string Quote(string s) => Quote(s, int.MaxValue);

    /// <summary>Quotes at most <paramref name="maxRunes"/> runes of <paramref name="s"/> (<c>%.Nq</c>).</summary>
    public static string Quote(string s, int maxRunes)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        var count = 0;
        for (var i = 0; i < s.Length && count < maxRunes; count++)
        {
            var rune = ReadRune(s, ref i);
            AppendEscaped(sb, rune, '"');
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Quotes one rune as Go's <c>strconv.QuoteRune</c> (<c>%q</c> on a rune); end of input prints as U+FFFD.</summary>
    public static string QuoteRune(int rune)
    {
        if (rune < 0 || rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) rune = 0xFFFD;
        var sb = new StringBuilder(8).Append('\'');
        AppendEscaped(sb, rune, '\'');
        return sb.Append('\'').ToString();
    }

    /// <summary>Formats a rune as Go's <c>%#U</c>: <c>U+0071 'q'</c>, or just <c>U+000A</c> when not printable.</summary>
    public static string FormatU(int rune)
    {
        if (rune < 0) rune = 0xFFFD;
        var hex = "U+" + rune.ToString("X4", CultureInfo.InvariantCulture);
        return IsPrint(rune) ? $"{hex} '{char.ConvertFromUtf32(rune)}'" : hex;
    }

    /// <summary>Reads the rune at <paramref name="i"/> and advances; a lone surrogate reads as U+FFFD.</summary>
    public static int ReadRune(string s, ref int i)
    {
        var c = s[i++];
        if (char.IsHighSurrogate(c) && i < s.Length && char.IsLowSurrogate(s[i])) return char.ConvertToUtf32(c, s[i++]);
        return char.IsSurrogate(c) ? 0xFFFD : c;
    }

    private static void AppendEscaped(StringBuilder sb, int rune, char quote)
    {
        if (rune == quote || rune == '\\')
        {
            sb.Append('\\').Append((char)rune);
            return;
        }
        if (IsPrint(rune))
        {
            sb.Append(char.ConvertFromUtf32(rune));
            return;
        }
        switch (rune)
        {
            case '\a': sb.Append("\\a"); return;
            case '\b': sb.Append("\\b"); return;
            case '\f': sb.Append("\\f"); return;
            case '\n': sb.Append("\\n"); return;
            case '\r': sb.Append("\\r"); return;
            case '\t': sb.Append("\\t"); return;
            case '\v': sb.Append("\\v"); return;
        }
        if (rune < ' ' || rune == 0x7F) sb.Append("\\x").Append(rune.ToString("x2", CultureInfo.InvariantCulture));
        else if (rune < 0x10000) sb.Append("\\u").Append(rune.ToString("x4", CultureInfo.InvariantCulture));
        else sb.Append("\\U").Append(rune.ToString("x8", CultureInfo.InvariantCulture));
    }
}
