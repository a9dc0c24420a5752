using FedFunctions.Core.Storage;

namespace FedFunctions.Functions.Settings;

/// <summary>
/// StorageOptions say where snapshots are stored, Functions-style: either a connection string as the value of
/// <c>FederationStorage</c> itself, or identity-based access with <c>FederationStorage__tableServiceUri</c> and
/// <c>FederationStorage__blobServiceUri</c> (<c>FederationStorage__clientId</c> picks a user-assigned identity).
/// Neither set: the local emulator (<see cref="StorageConnection.DevelopmentStorage"/>).
/// </summary>
public sealed class StorageOptions
{
    /// <summary>Section is the setting (and section) these options are read from.</summary>
    public const string Section = "FederationStorage";

    /// <summary>ConnectionString is the value of <c>FederationStorage</c>; unset with no URIs: the local emulator.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>TableServiceUri is the table endpoint for identity-based access.</summary>
    public string? TableServiceUri { get; set; }

    /// <summary>BlobServiceUri is the blob endpoint for identity-based access.</summary>
    public string? BlobServiceUri { get; set; }

    /// <summary>
    /// QueueServiceUri is the queue endpoint for identity-based access (shard messages, and the <c>ScrapeShard</c> trigger's
    /// connection); unset with identity-based access: no fan-out, every run scrapes inline and this process scrapes no shards.
    /// </summary>
    public string? QueueServiceUri { get; set; }

    /// <summary>ClientId selects a user-assigned managed identity for identity-based access.</summary>
    public string? ClientId { get; set; }

    /// <summary>Connection is the <see cref="StorageConnection"/> these (validated) options describe.</summary>
    internal StorageConnection Connection =>
        Blank(TableServiceUri) && Blank(BlobServiceUri)
            ? StorageConnection.FromConnectionString(Blank(ConnectionString) ? StorageConnection.DevelopmentStorage : ConnectionString!.Trim())
            : StorageConnection.WithIdentity(new Uri(TableServiceUri!.Trim()), new Uri(BlobServiceUri!.Trim()), Blank(ClientId) ? null : ClientId!.Trim());

    /// <summary>
    /// ShardQueue is the shard queue client these options reach (<paramref name="name"/>), or null when they name no queue
    /// endpoint: identity-based access without <c>FederationStorage__queueServiceUri</c>, or a connection string that lists
    /// its blob or table endpoint but no <c>QueueEndpoint</c> (else the SDK would guess a public one). Each request it sends
    /// is reported to <paramref name="observer"/>, as the table and blob clients' are. Nothing is sent yet.
    /// </summary>
    internal Core.Sharding.ShardQueueClient? ShardQueue(string name, IStorageRequestObserver? observer)
    {
        if (Blank(TableServiceUri) && Blank(BlobServiceUri))
        {
            var connection = Blank(ConnectionString) ? StorageConnection.DevelopmentStorage : ConnectionString!.Trim();
            var keys = connection.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(part => part.Split('=', 2)[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if ((keys.Contains("BlobEndpoint") || keys.Contains("TableEndpoint")) && !keys.Contains("QueueEndpoint")) return null;
            return Core.Sharding.ShardQueueClient.Create(connection, null, null, name, observer);
        }
        return Blank(QueueServiceUri) ? null : Core.Sharding.ShardQueueClient.Create(null, new Uri(QueueServiceUri!.Trim()), Blank(ClientId) ? null : ClientId!.Trim(), name, observer);
    }

    internal static bool Blank(string? value) => string.IsNullOrWhiteSpace(value);
}
