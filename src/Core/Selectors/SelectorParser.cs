using System.Diagnostics.CodeAnalysis;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Selectors;

/// <summary>
/// SelectorParser parses <c>match[]</c> values: a PromQL instant-vector selector and nothing else, as
/// Prometheus' <c>ParseMetricSelector</c> does (<c>metric_name</c>, <c>{matchers}</c> or both). Functions, range
/// selectors, <c>offset</c>, numbers and operators are parse errors, reported in Prometheus' exact words.
/// </summary>
public static class SelectorParser
{
    /// <summary>Parse parses one selector.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="SelectorParseException">The selector is not valid; the message is Prometheus' <c>L:C: parse error: …</c>.</exception>
    public static Selector Parse(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var lexer = new SelectorLexer(input);
        var matchers = new List<LabelMatcher>();
        string? name = null;

        var token = lexer.Next();
        if (token.IsMetricIdentifier)
        {
            name = token.Text;
            token = lexer.Next();
            if (token.Kind == SelectorTokenKind.LeftBrace)
            {
                ParseBraces(input, lexer, matchers);
                token = lexer.Next();
            }
        }
        else if (token.Kind == SelectorTokenKind.LeftBrace)
        {
            ParseBraces(input, lexer, matchers);
            token = lexer.Next();
        }
        else
        {
            ThrowUnexpected(input, token, null, null);
        }

        if (token.Kind != SelectorTokenKind.Eof) ThrowUnexpected(input, token, null, null);

        // As Prometheus' assembleVectorSelector: a name outside the braces becomes a final __name__ matcher.
        if (name is not null) matchers.Add(LabelMatcher.Create(MatchType.Equal, Label.MetricName, name));
        return new Selector(input, matchers);
    }

    /// <summary>ParseMany parses each selector in order; the first invalid one throws.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="inputs"/> is null.</exception>
    /// <exception cref="SelectorParseException">A selector is not valid.</exception>
    public static IReadOnlyList<Selector> ParseMany(IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var result = new List<Selector>();
        foreach (var input in inputs) result.Add(Parse(input));
        return result;
    }

    // Parses after '{' up to and including '}', mirroring the error productions of PromQL's grammar.
    private static void ParseBraces(string input, SelectorLexer lexer, List<LabelMatcher> matchers)
    {
        var token = lexer.Next();
        if (token.Kind == SelectorTokenKind.RightBrace) return;
        while (true)
        {
            token = ParseMatcher(input, lexer, token, matchers);
            if (token.Kind == SelectorTokenKind.Comma)
            {
                token = lexer.Next();
                if (token.Kind == SelectorTokenKind.RightBrace) return; // trailing comma
                continue;
            }
            if (token.Kind == SelectorTokenKind.RightBrace) return;
            ThrowUnexpected(input, token, "label matching", "\",\" or \"}\"");
        }
    }

    // Parses one matcher starting at 'token' and returns the token that follows it.
    private static SelectorToken ParseMatcher(string input, SelectorLexer lexer, SelectorToken token, List<LabelMatcher> matchers)
    {
        string label;
        if (token.Kind == SelectorTokenKind.Identifier)
        {
            label = token.Text;
        }
        else if (token.Kind == SelectorTokenKind.String)
        {
            label = GoUnquote.Unquote(token.Text);
        }
        else
        {
            ThrowUnexpected(input, token, "label matching", "identifier or \"}\"");
            return default;
        }

        var op = lexer.Next();
        if (!op.IsMatchOperator)
        {
            if (token.Kind == SelectorTokenKind.String)
            {
                // A bare quoted string inside braces is the metric name: {"my.metric"}.
                matchers.Add(LabelMatcher.Create(MatchType.Equal, Label.MetricName, label));
                return op;
            }
            ThrowUnexpected(input, op, "label matching", "label matching operator");
        }

        var value = lexer.Next();
        if (value.Kind != SelectorTokenKind.String) ThrowUnexpected(input, value, "label matching", "string");

        var type = op.Kind switch
        {
            SelectorTokenKind.Equal => MatchType.Equal,
            SelectorTokenKind.NotEqual => MatchType.NotEqual,
            SelectorTokenKind.RegexMatch => MatchType.RegexMatch,
            _ => MatchType.RegexNoMatch,
        };
        try
        {
            matchers.Add(LabelMatcher.Create(type, label, GoUnquote.Unquote(value.Text)));
        }
        catch (SelectorParseException e)
        {
            // Bad regexes are reported at the start of the matcher, as Prometheus does.
            throw SelectorParseException.At(input, token.Position, e.Detail);
        }
        return lexer.Next();
    }

    [DoesNotReturn]
    private static void ThrowUnexpected(string input, SelectorToken token, string? context, string? expected)
    {
        if (token.Kind == SelectorTokenKind.Error) throw SelectorParseException.At(input, token.Position, token.Text);
        var message = "unexpected " + token.Describe();
        if (context is not null) message += " in " + context;
        if (expected is not null) message += ", expected " + expected;
        throw SelectorParseException.At(input, token.Position, message);
    }
}
