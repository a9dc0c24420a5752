namespace FedFunctions.Core.Model;

/// <summary>Label is one name/value pair of a series' label set.</summary>
public readonly record struct Label(string Name, string Value)
{
    /// <summary>The reserved label that carries the metric name.</summary>
    public const string MetricName = "__name__";

    /// <inheritdoc />
    public override string ToString() => $"{Name}=\"{Value}\"";
}
