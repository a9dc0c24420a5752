using System.Text;
using System.Text.RegularExpressions;

namespace FedFunctions.Core.Relabeling;

/// <summary>
/// RelabelRegex is a user regex with Prometheus' full-match semantics: the pattern is wrapped as
/// <c>^(?s:pattern)$</c> and compiled with <see cref="RegexOptions.NonBacktracking"/>, so matching runs in
/// linear time whatever the pattern. RE2's <c>(?P&lt;name&gt;…)</c> groups are accepted.
/// </summary>
public sealed class RelabelRegex
{
    /// <summary>The default relabel regex, <c>(.*)</c>.</summary>
    public static readonly RelabelRegex Default = new("(.*)");

    private readonly Regex _regex;
    private readonly Dictionary<string, int> _groupNames;
    private readonly int _groupCount;

    /// <summary>Creates the anchored regex.</summary>
    /// <exception cref="ArgumentException">The pattern is not a valid regex (or needs backtracking features).</exception>
    public RelabelRegex(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        Pattern = pattern;
        // Named groups become plain groups so numbering follows position, as in RE2 (.NET would number
        // named groups after the unnamed ones); the names are resolved through _groupNames instead.
        var dotnet = StripGroupNames(pattern, out _groupNames, out _groupCount);
        try
        {
            _regex = new Regex("^(?s:" + dotnet + ")$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            // Report offsets in the user's pattern, not in the anchored wrapper "^(?s:".
            var reason = ex is RegexParseException parse ? $"{parse.Error} at offset {Math.Max(0, parse.Offset - 5)}" : ex.Message;
            throw new ArgumentException($"invalid regex \"{pattern}\": {reason}", ex);
        }
    }

    /// <summary>Pattern is the regex as the user wrote it (unanchored).</summary>
    public string Pattern { get; }

    /// <summary>IsDefault is true for the default <c>(.*)</c>.</summary>
    public bool IsDefault => Pattern == Default.Pattern;

    /// <summary>IsMatch is true when the whole of <paramref name="value"/> matches.</summary>
    public bool IsMatch(string value) => _regex.IsMatch(value);

    /// <summary>Match returns the full match, or null.</summary>
    public Match? Match(string value)
    {
        var match = _regex.Match(value);
        return match.Success ? match : null;
    }

    /// <summary>
    /// Expand fills <paramref name="template"/> with groups of <paramref name="match"/> using Go's
    /// <c>Regexp.Expand</c> rules: <c>$1</c>, <c>$name</c> (the longest run of letters, digits and
    /// underscores), <c>${name}</c>, <c>$$</c> for a dollar; unknown groups expand to "".
    /// </summary>
    public string Expand(string template, Match match)
    {
        if (!template.Contains('$')) return template;
        var sb = new StringBuilder(template.Length + 16);
        var i = 0;
        while (i < template.Length)
        {
            var c = template[i];
            if (c != '$' || i + 1 >= template.Length)
            {
                sb.Append(c);
                i++;
                continue;
            }
            var next = template[i + 1];
            if (next == '$')
            {
                sb.Append('$');
                i += 2;
                continue;
            }
            string? name = null;
            var end = i + 1;
            if (next == '{')
            {
                var close = template.IndexOf('}', i + 2);
                if (close > i + 2 && IsWord(template.AsSpan(i + 2, close - i - 2)))
                {
                    name = template.Substring(i + 2, close - i - 2);
                    end = close + 1;
                }
            }
            else
            {
                while (end < template.Length && IsWordChar(template[end])) end++;
                if (end > i + 1) name = template.Substring(i + 1, end - i - 1);
            }
            if (name is null)
            {
                // Not a valid reference: Go copies the dollar literally.
                sb.Append('$');
                i++;
                continue;
            }
            sb.Append(GroupValue(match, name));
            i = end;
        }
        return sb.ToString();
    }

    private string GroupValue(Match match, string name)
    {
        int number;
        if (!int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number) &&
            !_groupNames.TryGetValue(name, out number)) return "";
        if (number > _groupCount) return "";
        var group = match.Groups[number];
        return group.Success ? group.Value : "";
    }

    // Rewrites (?P<name>…) and (?<name>…) to (…), recording name -> group number; counts capturing groups.
    private static string StripGroupNames(string pattern, out Dictionary<string, int> names, out int count)
    {
        names = new Dictionary<string, int>(StringComparer.Ordinal);
        count = 0;
        var sb = new StringBuilder(pattern.Length);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                sb.Append(c).Append(pattern[++i]);
                continue;
            }
            if (inClass)
            {
                if (c == ']') inClass = false;
                sb.Append(c);
                continue;
            }
            if (c == '[')
            {
                inClass = true;
                sb.Append(c);
                // A ']' right after '[' or '[^' is a literal member.
                if (i + 1 < pattern.Length && pattern[i + 1] == '^') sb.Append(pattern[++i]);
                if (i + 1 < pattern.Length && pattern[i + 1] == ']') sb.Append(pattern[++i]);
                continue;
            }
            if (c != '(')
            {
                sb.Append(c);
                continue;
            }
            if (i + 1 >= pattern.Length || pattern[i + 1] != '?')
            {
                count++;
                sb.Append(c);
                continue;
            }
            var nameStart = pattern.AsSpan(i).StartsWith("(?P<") ? i + 4
                : pattern.AsSpan(i).StartsWith("(?<") && i + 3 < pattern.Length && pattern[i + 3] is not ('=' or '!') ? i + 3
                : -1;
            var close = nameStart < 0 ? -1 : pattern.IndexOf('>', nameStart);
            if (close < 0)
            {
                sb.Append(c);
                continue;
            }
            count++;
            names.TryAdd(pattern[nameStart..close], count);
            sb.Append('(');
            i = close;
        }
        return sb.ToString();
    }

    private static bool IsWord(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!IsWordChar(c)) return false;
        }
        return s.Length > 0;
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    /// <inheritdoc />
    public override string ToString() => Pattern;
}
