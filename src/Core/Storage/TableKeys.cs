using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace FedFunctions.Core.Storage;

/// <summary>
/// TableKeys turns arbitrary strings (job names, target ids) into valid Table PartitionKey/RowKey values.
/// Table forbids <c>/ \ # ?</c>, U+0000-U+001F and U+007F-U+009F in keys and limits them to 1 KiB, so
/// those characters (and <c>%</c> itself, and lone surrogates that JSON can't carry) are percent-escaped
/// reversibly, and over-long keys are cut and suffixed with a hash of the full escaped key.
/// </summary>
internal static class TableKeys
{
    /// <summary>MaxKeyChars is 1 KiB of UTF-16, the unit Table measures keys in (2 bytes per char).</summary>
    public const int MaxKeyChars = 512;

    /// <summary>HashSuffixChars is the length of <c>~</c> plus 16 hex digits appended to cut keys.</summary>
    public const int HashSuffixChars = 17;

    private static readonly SearchValues<char> Special = SearchValues.Create(BuildSpecial());

    private static string BuildSpecial()
    {
        var sb = new StringBuilder("/\\#?%");
        for (var c = '\u0000'; c <= '\u001F'; c++) sb.Append(c);
        for (var c = '\u007F'; c <= '\u009F'; c++) sb.Append(c);
        return sb.ToString();
    }

    /// <summary>IsForbidden reports whether Table rejects <paramref name="c"/> in a key.</summary>
    public static bool IsForbidden(char c) => c is '/' or '\\' or '#' or '?' or <= '\u001F' or (>= '\u007F' and <= '\u009F');

    /// <summary>
    /// Escape replaces forbidden characters and <c>%</c> by <c>%XX</c>, and lone surrogates by <c>%uXXXX</c>;
    /// <see cref="Unescape"/> reverses it. Strings without such characters are returned as is.
    /// </summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var span = value.AsSpan();
        var first = IndexOfEscapable(span);
        if (first < 0) return value;

        var sb = new StringBuilder(value.Length + 16);
        sb.Append(span[..first]);
        for (var i = first; i < span.Length; i++)
        {
            var c = span[i];
            if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                sb.Append(c).Append(span[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                sb.Append("%u").Append(((int)c).ToString("X4"));
            }
            else if (Special.Contains(c))
            {
                sb.Append('%').Append(((int)c).ToString("X2"));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private static int IndexOfEscapable(ReadOnlySpan<char> span)
    {
        var special = span.IndexOfAny(Special);
        // Surrogates are rare; only scan for lone ones when any surrogate is present.
        var surrogate = span.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (surrogate >= 0)
        {
            for (var i = surrogate; i < span.Length; i++)
            {
                if (special >= 0 && i >= special) break;
                var c = span[i];
                if (!char.IsSurrogate(c)) continue;
                if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1])) { i++; continue; }
                return i;
            }
        }
        return special;
    }

    /// <summary>Unescape reverses <see cref="Escape"/>.</summary>
    /// <exception cref="FormatException"><paramref name="key"/> holds a malformed escape.</exception>
    public static string Unescape(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var first = key.IndexOf('%');
        if (first < 0) return key;
        var sb = new StringBuilder(key.Length);
        sb.Append(key, 0, first);
        for (var i = first; i < key.Length; i++)
        {
            var c = key[i];
            if (c != '%') { sb.Append(c); continue; }
            if (i + 5 < key.Length && key[i + 1] == 'u' && TryHex(key.AsSpan(i + 2, 4), out var u))
            {
                sb.Append((char)u);
                i += 5;
            }
            else if (i + 2 < key.Length && TryHex(key.AsSpan(i + 1, 2), out var b))
            {
                sb.Append((char)b);
                i += 2;
            }
            else
            {
                throw new FormatException($"malformed escape at position {i} in table key \"{key}\"");
            }
        }
        return sb.ToString();
    }

    private static bool TryHex(ReadOnlySpan<char> digits, out int value) =>
        int.TryParse(digits, System.Globalization.NumberStyles.AllowHexSpecifier, null, out value);

    /// <summary>
    /// ToKey escapes <paramref name="value"/> and, when the result exceeds <see cref="MaxKeyChars"/>, cuts it
    /// and appends <c>~</c> + 16 hex digits of the XxHash64 of the full escaped text, so distinct values stay distinct.
    /// </summary>
    public static string ToKey(string value) => Bound(Escape(value), MaxKeyChars);

    /// <summary>
    /// Bound returns <paramref name="escaped"/> when it has at most <paramref name="maxChars"/> chars, otherwise
    /// a prefix cut at an escape/surrogate boundary plus <c>~</c> and the hash of the whole text.
    /// </summary>
    public static string Bound(string escaped, int maxChars)
    {
        if (escaped.Length <= maxChars) return escaped;
        var cut = SafeCut(escaped, maxChars - HashSuffixChars);
        return string.Concat(escaped.AsSpan(0, cut), "~", Hash16(escaped));
    }

    /// <summary>Hash16 is the XxHash64 of the UTF-8 of <paramref name="text"/> as 16 lower-case hex digits.</summary>
    public static string Hash16(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return XxHash64.HashToUInt64(bytes).ToString("x16");
    }

    /// <summary>SafeCut returns a length &lt;= <paramref name="max"/> that splits neither a <c>%XX</c>/<c>%uXXXX</c> escape nor a surrogate pair.</summary>
    internal static int SafeCut(string escaped, int max)
    {
        if (max <= 0) return 0;
        if (max >= escaped.Length) return escaped.Length;
        var cut = max;
        // An escape starts at most 5 chars before the cut; if one straddles it, cut before it.
        for (var i = Math.Max(0, cut - 5); i < cut; i++)
        {
            if (escaped[i] != '%') continue;
            var len = i + 1 < escaped.Length && escaped[i + 1] == 'u' ? 6 : 3;
            if (i + len > cut) { cut = i; break; }
            i += len - 1;
        }
        if (cut > 0 && char.IsHighSurrogate(escaped[cut - 1])) cut--;
        return cut;
    }
}
