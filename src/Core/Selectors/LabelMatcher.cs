using FedFunctions.Core.Re2;

namespace FedFunctions.Core.Selectors;

/// <summary>
/// LabelMatcher matches one label's value, as Prometheus' <c>labels.Matcher</c>: <c>=</c>, <c>!=</c>, or a fully
/// anchored RE2 regex (<c>=~</c>, <c>!~</c>) in which <c>.</c> also matches a newline. An absent label has the value
/// "", so <c>foo=""</c> matches series without <c>foo</c>.
/// </summary>
/// <remarks>
/// One known difference from Go: the word-boundary assertions <c>\b</c> and <c>\B</c> use .NET's Unicode notion of
/// a word character (letters, digits, marks and connector punctuation in any script, plus U+200C/U+200D), whereas
/// RE2's is ASCII only (<c>[0-9A-Za-z_]</c>). Results agree whenever the characters on either side of the assertion
/// are ASCII; next to a non-ASCII letter or digit they can differ (<c>a\b.*</c> matches <c>a-</c> in both, but
/// <c>aé</c> only in Go). The linear-time engine has no look-arounds to express RE2's rule exactly.
/// </remarks>
public sealed class LabelMatcher
{
    private readonly RegexProgram? _program;

    private LabelMatcher(MatchType type, string name, string value, RegexProgram? program)
    {
        Type = type;
        Name = name;
        Value = value;
        _program = program;
    }

    /// <summary>Name is the label name.</summary>
    public string Name { get; }

    /// <summary>Value is the literal or the regex source as written (unanchored).</summary>
    public string Value { get; }

    /// <summary>Type is the operator.</summary>
    public MatchType Type { get; }

    /// <summary>Create builds a matcher, compiling a regex once (cached by pattern across matchers).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="value"/> is null.</exception>
    /// <exception cref="SelectorParseException">The regex is invalid RE2 (<c>error parsing regexp: …</c>), or too large
    /// to match in linear time.</exception>
    public static LabelMatcher Create(MatchType type, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!type.IsRegex()) return new LabelMatcher(type, name, value, null);
        try
        {
            return new LabelMatcher(type, name, value, RegexProgram.Get(value));
        }
        catch (Re2SyntaxException e)
        {
            // No position is known here; the selector parser re-throws at the matcher's position.
            throw new SelectorParseException(1, 1, e.Message);
        }
    }

    /// <summary>Matches tells whether a label value matches ("" means the label is absent).</summary>
    public bool Matches(string value) => Matches(value.AsSpan());

    /// <summary>Matches tells whether a label value matches ("" means the label is absent).</summary>
    public bool Matches(ReadOnlySpan<char> value) => Type switch
    {
        MatchType.Equal => value.SequenceEqual(Value),
        MatchType.NotEqual => !value.SequenceEqual(Value),
        MatchType.RegexMatch => _program!.Matches(value),
        _ => !_program!.Matches(value),
    };

    /// <summary>
    /// ToString formats as PromQL, as Prometheus' <c>Matcher.String()</c>: <c>job=~"a.*"</c>. The name is written bare
    /// when it is a legacy label name (<c>[a-zA-Z_][a-zA-Z0-9_]*</c>) and Go-quoted otherwise, including when empty.
    /// </summary>
    public override string ToString()
    {
        // Prometheus' shouldQuoteName: any character outside [a-zA-Z_] (digits allowed after the first), or no name.
        var plain = Name.Length > 0;
        for (var i = 0; i < Name.Length && plain; i++)
        {
            var c = Name[i];
            plain = c == '_' || char.IsAsciiLetter(c) || (i > 0 && char.IsAsciiDigit(c));
        }
        return (plain ? Name : GoText.Quote(Name)) + Type.ToOperator() + GoText.Quote(Value);
    }
}
