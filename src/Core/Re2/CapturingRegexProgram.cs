using System.Text.RegularExpressions;

namespace FedFunctions.Core.Re2;

/// <summary>
/// CapturingRegexProgram is a fully anchored RE2 pattern compiled with its capture groups, for relabeling's
/// <c>$1</c>/<c>${name}</c>: the same parser, error messages and size limits as <see cref="RegexProgram"/>, but
/// .NET group n is RE2 group n (numbered by the position of its opening parenthesis, named or not).
/// Whole-value tests still take <see cref="RegexProgram"/>'s fast paths when the shape allows.
/// </summary>
internal sealed class CapturingRegexProgram
{
    private readonly RegexProgram? _fast;
    private readonly Lazy<Regex> _regex;

    private CapturingRegexProgram(Lazy<Regex> regex, IReadOnlyList<string?> groupNames, RegexProgram? fast)
    {
        _regex = regex;
        GroupNames = groupNames;
        _fast = fast;
    }

    /// <summary>
    /// The compiled regex; group n of its matches is RE2 capture n. For fast-path shapes (a long literal
    /// allow-list, say) it is built on first use only, so keep/drop rules never pay for it or hit its size limit.
    /// </summary>
    /// <exception cref="Re2SyntaxException">The capturing form is too large for linear-time matching.</exception>
    public Regex Regex => _regex.Value;

    /// <summary>Go's <c>SubexpNames</c>: element n names group n (null when unnamed); element 0 is the whole match.</summary>
    public IReadOnlyList<string?> GroupNames { get; }

    /// <summary>The number of capture groups (not counting the whole match).</summary>
    public int GroupCount => GroupNames.Count - 1;

    /// <summary>Compiles <paramref name="pattern"/> (not cached: relabel rules are compiled once, at config load).</summary>
    /// <exception cref="Re2SyntaxException">The pattern is not valid RE2, or too large for linear-time matching.</exception>
    public static CapturingRegexProgram Compile(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var root = RegexProgram.Parse(pattern, out var names);
        var fast = RegexProgram.TryFastPath(root);
        var regex = new Lazy<Regex>(() =>
        {
            RegexProgram.CheckSize(pattern, root);
            return RegexProgram.BuildRegex(pattern, Re2Emitter.EmitAnchored(root, captures: true));
        });
        // Without a fast path the regex is needed for every test: build it now, so errors surface at load.
        if (fast is null) _ = regex.Value;
        return new CapturingRegexProgram(regex, names, fast);
    }

    /// <summary>Whether the whole <paramref name="value"/> matches.</summary>
    public bool IsMatch(ReadOnlySpan<char> value) => _fast?.Matches(value) ?? Regex.IsMatch(value);
}
