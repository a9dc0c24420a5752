namespace FedFunctions.Core.Storage;

/// <summary>
/// StorageConnection says how a <see cref="SnapshotStore"/> reaches its storage account: a connection string
/// (<see cref="FromConnectionString"/>, Azurite's <see cref="DevelopmentStorage"/> locally), or identity-based
/// access to the table and blob service URIs (<see cref="WithIdentity"/>). Built by the app from its settings;
/// either kind is whole by construction.
/// </summary>
public sealed record StorageConnection
{
    /// <summary>DevelopmentStorage is the connection string of the local emulator (Azurite's default ports).</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    private StorageConnection()
    {
    }

    /// <summary>ConnectionString is the account's connection string; null for identity-based access.</summary>
    public string? ConnectionString { get; private init; }

    /// <summary>TableServiceUri is the table service endpoint for identity-based access.</summary>
    public Uri? TableServiceUri { get; private init; }

    /// <summary>BlobServiceUri is the blob service endpoint for identity-based access.</summary>
    public Uri? BlobServiceUri { get; private init; }

    /// <summary>ClientId selects a user-assigned managed identity (null: the default credential chain).</summary>
    public string? ClientId { get; private init; }

    /// <summary>
    /// RequestObserver hears about every request that clients built from this connection send (null: nobody):
    /// the app counts them as billed storage transactions.
    /// </summary>
    public IStorageRequestObserver? RequestObserver { get; private init; }

    /// <summary>WithRequestObserver is this connection with clients that report each request to <paramref name="observer"/>.</summary>
    public StorageConnection WithRequestObserver(IStorageRequestObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        return this with { RequestObserver = observer };
    }

    /// <summary>FromConnectionString connects with <paramref name="connectionString"/>.</summary>
    public static StorageConnection FromConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new StorageConnection { ConnectionString = connectionString };
    }

    /// <summary>WithIdentity connects to the two service URIs with the default Azure credential (<paramref name="clientId"/>: a user-assigned identity).</summary>
    public static StorageConnection WithIdentity(Uri tableServiceUri, Uri blobServiceUri, string? clientId = null)
    {
        ArgumentNullException.ThrowIfNull(tableServiceUri);
        ArgumentNullException.ThrowIfNull(blobServiceUri);
        return new StorageConnection { TableServiceUri = tableServiceUri, BlobServiceUri = blobServiceUri, ClientId = clientId };
    }

    /// <summary>
    /// CreateBlobServiceClient builds a client of this account's Blob service with the snapshot store's credentials
    /// and retry settings, for other blobs the app reads there (its scrape configuration); nothing is sent yet.
    /// </summary>
    /// <exception cref="InvalidOperationException">The connection string is malformed.</exception>
    public Azure.Storage.Blobs.BlobServiceClient CreateBlobServiceClient() => SnapshotStore.CreateClients(this).Blobs;

    /// <summary>CreateTableServiceClient builds a client of this account's Table service, as <see cref="CreateBlobServiceClient"/> does.</summary>
    /// <exception cref="InvalidOperationException">The connection string is malformed.</exception>
    public Azure.Data.Tables.TableServiceClient CreateTableServiceClient() => SnapshotStore.CreateClients(this).Tables;

    /// <summary>Hides the connection string: it holds the account key.</summary>
    public override string ToString() =>
        ConnectionString is not null ? "StorageConnection { connection string }" : $"StorageConnection {{ {TableServiceUri}, {BlobServiceUri} }}";
}
