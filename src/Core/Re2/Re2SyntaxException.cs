namespace FedFunctions.Core.Re2;

/// <summary>Re2SyntaxException is a pattern RE2 (or linear-time matching) rejects; its message reads like Go's.</summary>
internal sealed class Re2SyntaxException(string code, string expr)
    : Exception($"error parsing regexp: {code}: `{expr}`")
{
    /// <summary>The Go error code text, e.g. "missing closing )".</summary>
    public string Code { get; } = code;
}
