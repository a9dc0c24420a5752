namespace FedFunctions.Core.Selectors;

/// <summary>MatchTypeExtensions gives <see cref="MatchType"/> its PromQL spelling.</summary>
internal static class MatchTypeExtensions
{
    private static readonly string[] Operators = ["=", "!=", "=~", "!~"];

    /// <summary>ToOperator returns the PromQL operator: <c>=</c>, <c>!=</c>, <c>=~</c> or <c>!~</c>.</summary>
    public static string ToOperator(this MatchType type) => Operators[(int)type];

    /// <summary>IsRegex tells whether the operator compares with a regex.</summary>
    public static bool IsRegex(this MatchType type) => type is MatchType.RegexMatch or MatchType.RegexNoMatch;
}
