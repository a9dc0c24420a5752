namespace FedFunctions.Core.Selectors;

/// <summary>SelectorTokenKind is the kind of one lexed item of a selector (a subset of PromQL's item types).</summary>
internal enum SelectorTokenKind
{
    Eof,
    Error,
    Identifier,
    MetricIdentifier,
    Keyword,
    Aggregator,
    OperatorWord,
    Preprocessor,
    Number,
    Duration,
    String,
    Comma,
    LeftBrace,
    RightBrace,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    Equal,
    NotEqual,
    RegexMatch,
    RegexNoMatch,
    Operator,
}

/// <summary>
/// SelectorToken is one lexed item: its kind, its start (a char index into the input) and its text. For
/// <see cref="SelectorTokenKind.Error"/> the text is the lexer's message.
/// </summary>
internal readonly record struct SelectorToken(SelectorTokenKind Kind, int Position, string Text)
{
    /// <summary>Whether the token can start a vector selector as its metric name.</summary>
    public bool IsMetricIdentifier => Kind switch
    {
        SelectorTokenKind.Identifier or SelectorTokenKind.MetricIdentifier or SelectorTokenKind.Aggregator or SelectorTokenKind.Preprocessor => true,
        // Of the keywords only these may name a metric; bool, on, ignoring, group_left and group_right may not.
        SelectorTokenKind.Keyword => Text.ToLowerInvariant() is "by" or "offset" or "without" or "smoothed" or "anchored",
        // and, or, unless are metric names too; atan2 is not.
        SelectorTokenKind.OperatorWord => Text.ToLowerInvariant() is not "atan2",
        _ => false,
    };

    /// <summary>Whether the token is one of the four label matching operators.</summary>
    public bool IsMatchOperator => Kind is SelectorTokenKind.Equal or SelectorTokenKind.NotEqual or SelectorTokenKind.RegexMatch or SelectorTokenKind.RegexNoMatch;

    /// <summary>Describes the token as PromQL's parser does in "unexpected ..." messages.</summary>
    public string Describe() => Kind switch
    {
        SelectorTokenKind.Eof => "end of input",
        SelectorTokenKind.Identifier => "identifier " + GoText.Quote(Text),
        SelectorTokenKind.MetricIdentifier => "metric identifier " + GoText.Quote(Text),
        SelectorTokenKind.Keyword => "<" + Text + ">",
        SelectorTokenKind.Aggregator => "<aggr:" + Text + ">",
        SelectorTokenKind.OperatorWord or SelectorTokenKind.Operator or SelectorTokenKind.NotEqual
            or SelectorTokenKind.RegexMatch or SelectorTokenKind.RegexNoMatch => "<op:" + Text + ">",
        SelectorTokenKind.Number => "number " + Shorten(Text),
        SelectorTokenKind.Duration => "duration " + Shorten(Text),
        SelectorTokenKind.String => "string " + Shorten(Text),
        SelectorTokenKind.Error => Text,
        _ => Shorten(Text),
    };

    // Go prints values longer than 10 bytes as their first 10 runes, quoted, followed by "...".
    private static string Shorten(string text) =>
        System.Text.Encoding.UTF8.GetByteCount(text) > 10 ? GoText.Quote(text, 10) + "..." : GoText.Quote(text);
}
