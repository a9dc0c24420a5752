using FedFunctions.Core.Selectors.Re2;

namespace FedFunctions.Core.Selectors;

/// <summary>
/// LabelMatcher matches one label's value, as Prometheus' <c>labels.Matcher</c>: <c>=</c>, <c>!=</c>, or a fully
/// anchored RE2 regex (<c>=~</c>, <c>!~</c>) in which <c>.</c> also matches a newline. An absent label has the value
/// "", so <c>foo=""</c> matches series without <c>foo</c>.
/// </summary>
public sealed class LabelMatcher
{
    private readonly RegexProgram? _program;

    private LabelMatcher(MatchType type, string name, string value, RegexProgram? program)
    {
        Type = type;
        Name = name;
        Value = value;
        _program = program;
        MatchesEmpty = Matches("");
    }

    /// <summary>Name is the label name.</summary>
    public string Name { get; }

    /// <summary>Value is the literal or the regex source as written (unanchored).</summary>
    public string Value { get; }

    /// <summary>Type is the operator.</summary>
    public MatchType Type { get; }

    /// <summary>MatchesEmpty tells whether the matcher matches an absent label (value "").</summary>
    public bool MatchesEmpty { get; }

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

    /// <summary>Whether the regex is answered by a fast path rather than a regex engine (always true for = and !=).</summary>
    internal bool IsFastPath => _program is null || !_program.UsesRegex;

    /// <summary>ToString formats as PromQL: <c>job=~"a.*"</c>, quoting names that are not plain identifiers.</summary>
    public override string ToString()
    {
        var plain = Name.Length > 0;
        for (var i = 0; i < Name.Length && plain; i++)
        {
            var c = Name[i];
            plain = c == '_' || char.IsAsciiLetter(c) || (i > 0 && char.IsAsciiDigit(c));
        }
        return (plain ? Name : GoText.Quote(Name)) + Type.ToOperator() + GoText.Quote(Value);
    }
}
