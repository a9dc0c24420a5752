namespace FedFunctions.Core.Storage;

/// <summary>SnapshotStoreOptions names the Table and the Blob container the <see cref="SnapshotStore"/> uses.</summary>
public sealed class SnapshotStoreOptions
{
    /// <summary>TableName is the Azure Table holding one entity per target (<c>^[A-Za-z][A-Za-z0-9]{2,62}$</c>).</summary>
    public string TableName { get; set; } = DefaultName;

    /// <summary>ContainerName is the Blob container for snapshots too large to fit in an entity (lower case, 3-63 chars).</summary>
    public string ContainerName { get; set; } = DefaultName;

    /// <summary>DefaultName (<c>fedsnapshots</c>) is the default table and container name.</summary>
    public const string DefaultName = "fedsnapshots";
}
