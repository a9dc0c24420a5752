using System.Text;
using System.Text.RegularExpressions;
using FedFunctions.Core.Re2;

namespace FedFunctions.Core.Relabeling;

/// <summary>
/// RelabelRegex is a user regex with Prometheus' full-match semantics (<c>^(?s:pattern)$</c>), parsed as RE2 by the
/// same front end as <c>match[]</c> selectors: the same syntax (POSIX classes, <c>\Q…\E</c>, ASCII <c>\d\w\s</c>,
/// <c>(?P&lt;name&gt;…)</c>, flags), the same errors and size limits. It runs on
/// <see cref="RegexOptions.NonBacktracking"/>, so matching is linear in the value whatever the pattern, and its
/// groups are numbered as in RE2 (by position, named or not) for <see cref="Expand"/>.
/// </summary>
public sealed class RelabelRegex
{
    /// <summary>The default relabel regex, <c>(.*)</c>.</summary>
    public static readonly RelabelRegex Default = new("(.*)");

    private const string DefaultPattern = "(.*)";

    private readonly CapturingRegexProgram _program;

    /// <summary>Creates the anchored regex.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> is null.</exception>
    /// <exception cref="ArgumentException">The pattern is not valid RE2 or too large for linear-time matching; the
    /// message reads <c>invalid regex "…": error parsing regexp: …</c>.</exception>
    public RelabelRegex(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        Pattern = pattern;
        try
        {
            _program = CapturingRegexProgram.Compile(pattern);
        }
        catch (Re2SyntaxException e)
        {
            // ArgumentException is what config loading turns into a ConfigException with the line number.
            throw InvalidPattern(pattern, e);
        }
    }

    /// <summary>Pattern is the regex as the user wrote it (unanchored).</summary>
    public string Pattern { get; }

    /// <summary>IsDefault is true for the default <c>(.*)</c>.</summary>
    public bool IsDefault => Pattern == DefaultPattern;

    /// <summary>
    /// EnsureCapturing builds the capturing form now (rules that expand groups call it at load), so an
    /// oversized pattern is a configuration error rather than a failure at scrape time.
    /// </summary>
    /// <exception cref="ArgumentException">The capturing form is too large for linear-time matching.</exception>
    public void EnsureCapturing()
    {
        try
        {
            _ = _program.Regex;
        }
        catch (Re2SyntaxException e)
        {
            throw InvalidPattern(Pattern, e);
        }
    }

    /// <summary>IsMatch is true when the whole of <paramref name="value"/> matches.</summary>
    public bool IsMatch(string value) => _program.IsMatch(value);

    /// <summary>Match returns the full match with RE2-numbered groups, or null.</summary>
    public Match? Match(string value)
    {
        var match = _program.Regex.Match(value);
        return match.Success ? match : null;
    }

    /// <summary>
    /// Expand fills <paramref name="template"/> with groups of <paramref name="match"/> using Go's
    /// <c>Regexp.Expand</c> rules: <c>$1</c>, <c>$name</c> (the longest run of letters, digits and
    /// underscores), <c>${name}</c>, <c>$$</c> for a dollar; a malformed reference copies the dollar; unknown or
    /// non-participating groups expand to "". A name used by several groups takes the first that participated.
    /// </summary>
    public string Expand(string template, Match match)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(match);
        var rest = template.AsSpan();
        var dollar = rest.IndexOf('$');
        if (dollar < 0) return template;
        var sb = new StringBuilder(template.Length + 16);
        while (dollar >= 0)
        {
            sb.Append(rest[..dollar]);
            rest = rest[(dollar + 1)..];
            if (!rest.IsEmpty && rest[0] == '$')
            {
                sb.Append('$');
                rest = rest[1..];
            }
            else if (TryExtractName(rest, out var length, out var name))
            {
                AppendGroup(sb, match, name);
                rest = rest[length..];
            }
            else
            {
                sb.Append('$'); // malformed: Go keeps the dollar as text
            }
            dollar = rest.IndexOf('$');
        }
        return sb.Append(rest).ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Pattern;

    // After a '$': "name" or "{name}" with a non-empty name of letters, digits and '_' (Unicode, as Go's extract).
    private static bool TryExtractName(ReadOnlySpan<char> s, out int length, out ReadOnlySpan<char> name)
    {
        length = 0;
        name = default;
        var brace = !s.IsEmpty && s[0] == '{';
        var start = brace ? 1 : 0;
        var i = start;
        while (i < s.Length && Rune.DecodeFromUtf16(s[i..], out var rune, out var used) == System.Buffers.OperationStatus.Done &&
               (Rune.IsLetter(rune) || Rune.IsDigit(rune) || rune.Value == '_'))
        {
            i += used;
        }
        if (i == start) return false;
        name = s[start..i];
        if (brace)
        {
            if (i >= s.Length || s[i] != '}') return false;
            i++;
        }
        length = i;
        return true;
    }

    private void AppendGroup(StringBuilder sb, Match match, ReadOnlySpan<char> name)
    {
        var number = GroupNumber(name);
        var names = _program.GroupNames;
        if (number >= 0)
        {
            if (number < names.Count && match.Groups[number] is { Success: true } group) sb.Append(group.ValueSpan);
            return;
        }
        for (var i = 1; i < names.Count; i++)
        {
            if (names[i] is { } candidate && name.SequenceEqual(candidate) && match.Groups[i] is { Success: true } named)
            {
                sb.Append(named.ValueSpan);
                return;
            }
        }
    }

    // Go's rule: ASCII digits without a leading zero and below 10^8 make a number; anything else is a name (-1).
    private static int GroupNumber(ReadOnlySpan<char> name)
    {
        if (name.Length > 1 && name[0] == '0') return -1;
        var number = 0;
        foreach (var c in name)
        {
            if (!char.IsAsciiDigit(c) || number >= 100_000_000) return -1;
            number = number * 10 + (c - '0');
        }
        return number;
    }

    private static ArgumentException InvalidPattern(string pattern, Re2SyntaxException e) =>
        new($"invalid regex \"{RegexProgram.Shorten(pattern)}\": {e.Message}", e);
}
