namespace FedFunctions.Core.Model;

/// <summary>
/// NameValidationScheme says which metric and label names are valid (Prometheus'
/// <c>metric_name_validation_scheme</c>, <c>model.ValidationScheme</c>).
/// </summary>
public enum NameValidationScheme
{
    /// <summary><c>utf8</c> (Prometheus 3's default): any non-empty name.</summary>
    Utf8,

    /// <summary><c>legacy</c>: metric names <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>, label names <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
    Legacy,
}
