namespace FedFunctions.Core.Selectors;

/// <summary>MatchType is the operator of a label matcher.</summary>
public enum MatchType
{
    /// <summary>Equal is <c>=</c>: the value equals the literal.</summary>
    Equal,

    /// <summary>NotEqual is <c>!=</c>: the value differs from the literal.</summary>
    NotEqual,

    /// <summary>RegexMatch is <c>=~</c>: the whole value matches the RE2 regex.</summary>
    RegexMatch,

    /// <summary>RegexNoMatch is <c>!~</c>: the whole value does not match the RE2 regex.</summary>
    RegexNoMatch,
}
