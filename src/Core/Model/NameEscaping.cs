using System.Globalization;
using System.Text;

namespace FedFunctions.Core.Model;

/// <summary>
/// NameEscaping writes UTF-8 metric and label names for clients that only take legacy names, as Prometheus'
/// <c>model.EscapeName</c>/<c>UnescapeName</c> do, and reads the schemes' header and YAML spellings. Legacy
/// names are returned as the same string (no allocation); label values are never escaped.
/// </summary>
internal static class NameEscaping
{
    /// <summary>The spellings of <see cref="NameEscapingScheme"/>, in its order.</summary>
    private static readonly string[] Spellings = ["allow-utf-8", "underscores", "dots", "values"];

    /// <summary>Spelling is the header/YAML spelling of <paramref name="scheme"/> (<c>allow-utf-8</c>, <c>underscores</c>, ...).</summary>
    public static string Spelling(NameEscapingScheme scheme) => Spellings[(int)scheme];

    /// <summary>TryParse reads a spelling exactly (case-sensitive, as Prometheus does).</summary>
    public static bool TryParse(string? text, out NameEscapingScheme scheme)
    {
        var index = Array.IndexOf(Spellings, text);
        scheme = index < 0 ? default : (NameEscapingScheme)index;
        return index >= 0;
    }

    /// <summary>
    /// NeedsEscaping is true when a name must be escaped under <paramref name="scheme"/>: it is not a legacy
    /// metric name (<c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>, the rule Prometheus applies to label names here too) and
    /// the scheme is not <see cref="NameEscapingScheme.AllowUtf8"/>.
    /// </summary>
    public static bool NeedsEscaping(string name, NameEscapingScheme scheme) =>
        scheme != NameEscapingScheme.AllowUtf8 && name.Length > 0 && !LegacyNames.IsMetricName(name);

    /// <summary>
    /// Escape returns the name a client asking for <paramref name="scheme"/> receives: <paramref name="name"/>
    /// itself when it needs no escaping (<see cref="NeedsEscaping"/>), else its escaped form.
    /// </summary>
    public static string Escape(string name, NameEscapingScheme scheme) =>
        NeedsEscaping(name, scheme) ? EscapeAlways(name, scheme) : name;

    /// <summary>
    /// EscapeAlways applies <paramref name="scheme"/> to any name, as <c>model.EscapeName</c> does: unlike
    /// <see cref="Escape"/> it rewrites a legacy name's <c>_</c> under <see cref="NameEscapingScheme.Dots"/>.
    /// </summary>
    public static string EscapeAlways(string name, NameEscapingScheme scheme)
    {
        if (name.Length == 0 || scheme == NameEscapingScheme.AllowUtf8) return name;
        if (scheme != NameEscapingScheme.Dots && LegacyNames.IsMetricName(name)) return name;
        var sb = new StringBuilder(name.Length + 8);
        if (scheme == NameEscapingScheme.Values) sb.Append("U__");
        var first = true;
        foreach (var rune in Runes(name))
        {
            var legacy = IsLegacyRune(rune.Value, first);
            first = false;
            switch (scheme)
            {
                case NameEscapingScheme.Underscores:
                    if (legacy) sb.Append((char)rune.Value);
                    else sb.Append('_');
                    break;
                case NameEscapingScheme.Dots:
                    if (rune.Value == '_') sb.Append("__");
                    else if (rune.Value == '.') sb.Append("_dot_");
                    else if (legacy) sb.Append((char)rune.Value);
                    else sb.Append("__");
                    break;
                default:
                    if (rune.Value == '_') sb.Append("__");
                    else if (legacy) sb.Append((char)rune.Value);
                    else sb.Append('_').Append(rune.Value.ToString("x", CultureInfo.InvariantCulture)).Append('_');
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Unescape undoes <paramref name="scheme"/> where it can (<c>model.UnescapeName</c>): <c>dots</c> and
    /// <c>values</c> are reversed; <c>underscores</c> cannot be, and a malformed <c>values</c> name is returned as given.
    /// </summary>
    public static string Unescape(string name, NameEscapingScheme scheme)
    {
        switch (scheme)
        {
            case NameEscapingScheme.Dots:
                return name.Replace("_dot_", ".", StringComparison.Ordinal).Replace("__", "_", StringComparison.Ordinal);
            case NameEscapingScheme.Values:
                return UnescapeValues(name) ?? name;
            default:
                return name;
        }
    }

    private static string? UnescapeValues(string name)
    {
        if (!name.StartsWith("U__", StringComparison.Ordinal)) return null;
        var escaped = name.AsSpan(3);
        var sb = new StringBuilder(escaped.Length);
        for (var i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] != '_')
            {
                sb.Append(escaped[i]);
                continue;
            }
            if (++i >= escaped.Length) return null;
            if (escaped[i] == '_')
            {
                sb.Append('_');
                continue;
            }
            // _<hex>_ : at most 6 hex digits (U+10FFFF), then the closing underscore.
            var value = 0;
            var digits = 0;
            while (true)
            {
                if (i >= escaped.Length || digits >= 6) return null;
                var c = escaped[i];
                if (c == '_') break;
                var lower = c | 0x20;
                int digit;
                if (c is >= '0' and <= '9') digit = c - '0';
                else if (lower is >= 'a' and <= 'f') digit = lower - 'a' + 10;
                else return null;
                value = value * 16 + digit;
                digits++;
                i++;
            }
            if (!Rune.IsValid(value)) return null;
            sb.Append(new Rune(value).ToString());
        }
        return sb.ToString();
    }

    /// <summary>IsValidMetricName is true for a name <paramref name="scheme"/> accepts as a metric name.</summary>
    public static bool IsValidMetricName(string name, NameValidationScheme scheme) =>
        scheme == NameValidationScheme.Legacy ? LegacyNames.IsMetricName(name) : IsValidUtf8Name(name);

    /// <summary>IsValidLabelName is true for a name <paramref name="scheme"/> accepts as a label name.</summary>
    public static bool IsValidLabelName(string name, NameValidationScheme scheme) =>
        scheme == NameValidationScheme.Legacy ? LegacyNames.IsLabelName(name) : IsValidUtf8Name(name);

    // utf8 validation: non-empty valid UTF-8, i.e. in .NET no lone surrogate.
    private static bool IsValidUtf8Name(string name)
    {
        if (name.Length == 0) return false;
        for (var i = 0; i < name.Length;)
        {
            if (Rune.DecodeFromUtf16(name.AsSpan(i), out _, out var consumed) != System.Buffers.OperationStatus.Done) return false;
            i += consumed;
        }
        return true;
    }

    // Go's isValidLegacyRune: [a-zA-Z_:], and digits except first.
    private static bool IsLegacyRune(int c, bool first) =>
        (c < 128 && (uint)((c | 0x20) - 'a') <= 'z' - 'a') || c == '_' || c == ':' || (!first && (uint)(c - '0') <= 9);

    private static IEnumerable<Rune> Runes(string name)
    {
        for (var i = 0; i < name.Length;)
        {
            // A lone surrogate reads as U+FFFD, as Go reads invalid UTF-8.
            Rune.DecodeFromUtf16(name.AsSpan(i), out var rune, out var consumed);
            i += consumed;
            yield return rune;
        }
    }
}
