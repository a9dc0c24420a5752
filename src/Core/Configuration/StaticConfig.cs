using FedFunctions.Core.Model;

namespace FedFunctions.Core.Configuration;

/// <summary>StaticConfig is one item of a job's <c>static_configs</c>: target addresses sharing a label set.</summary>
public sealed class StaticConfig
{
    /// <summary>Targets are the <c>host:port</c> addresses, validated at load.</summary>
    public IReadOnlyList<string> Targets { get; internal init; } = [];

    /// <summary>Labels are attached to every target of this group (they may override <c>job</c>/<c>instance</c>).</summary>
    public Labels Labels { get; internal init; } = Labels.Empty;

    /// <summary>Line is the 1-based line of this item in the source, for messages.</summary>
    internal int Line { get; init; }
}
