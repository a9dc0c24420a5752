using System.Text.RegularExpressions;

namespace FedFunctions.Core.Storage;

/// <summary>SnapshotStoreOptions names the Table and the Blob container the <see cref="SnapshotStore"/> uses.</summary>
public sealed partial class SnapshotStoreOptions
{
    /// <summary>TableName is the Azure Table holding one entity per target (<c>^[A-Za-z][A-Za-z0-9]{2,62}$</c>).</summary>
    public string TableName { get; set; } = DefaultName;

    /// <summary>ContainerName is the Blob container for snapshots too large to fit in an entity (lower case, 3-63 chars).</summary>
    public string ContainerName { get; set; } = DefaultName;

    /// <summary>DefaultName (<c>fedsnapshots</c>) is the default table and container name.</summary>
    public const string DefaultName = "fedsnapshots";

    /// <summary>TableNameError says why <see cref="TableName"/> is not a valid Azure table name; null when it is.</summary>
    public string? TableNameError() =>
        TableName is null || !TableNameRegex().IsMatch(TableName) || TableName.Equals("tables", StringComparison.OrdinalIgnoreCase)
            ? $"invalid table name \"{TableName}\": use 3-63 letters and digits, starting with a letter (not \"tables\")"
            : null;

    /// <summary>ContainerNameError says why <see cref="ContainerName"/> is not a valid blob container name; null when it is.</summary>
    public string? ContainerNameError() =>
        ContainerName is null || !ContainerNameRegex().IsMatch(ContainerName) || ContainerName.Contains("--", StringComparison.Ordinal)
            ? $"invalid container name \"{ContainerName}\": use 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit"
            : null;

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNameRegex();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerNameRegex();
}
