namespace FedFunctions.Core.Model;

/// <summary>
/// NameEscapingScheme says how metric and label names outside the legacy syntax are written for a client
/// that cannot take UTF-8 names (Prometheus' <c>model.EscapingScheme</c>, the <c>escaping=</c> parameter
/// of an Accept or Content-Type header). See <see cref="NameEscaping"/>.
/// </summary>
public enum NameEscapingScheme
{
    /// <summary><c>allow-utf-8</c>: names are written as they are (quoted in text where needed).</summary>
    AllowUtf8,

    /// <summary><c>underscores</c>: each character outside the legacy syntax becomes <c>_</c> (not reversible).</summary>
    Underscores,

    /// <summary><c>dots</c>: <c>.</c> becomes <c>_dot_</c>, <c>_</c> becomes <c>__</c>, other characters <c>__</c>.</summary>
    Dots,

    /// <summary><c>values</c>: <c>U__</c> prefix, <c>_</c> becomes <c>__</c>, other characters <c>_&lt;hex&gt;_</c> (reversible).</summary>
    Values,
}
