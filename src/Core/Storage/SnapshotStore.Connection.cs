using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace FedFunctions.Core.Storage;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "SemaphoreSlim holds no unmanaged resource unless AvailableWaitHandle is used, which it is not.")]
public sealed partial class SnapshotStore
{
    /// <summary>
    /// Create builds a store that reaches storage through <paramref name="connection"/>: a connection string, or
    /// identity-based access with <see cref="DefaultAzureCredential"/>. Clients retry twice with short delays and
    /// time out a request that gets no answer after <see cref="NetworkTimeout"/> (5 s), so an unreachable or frozen
    /// account fails fast; callers bound whole operations with their own deadline on top (the cancellation token).
    /// </summary>
    /// <param name="connection">How to reach the account.</param>
    /// <param name="options">Table and container names.</param>
    /// <param name="observer">Hears about re-created storage and skipped corrupt entities (null: nobody).</param>
    /// <exception cref="InvalidOperationException">The connection string is malformed.</exception>
    public static SnapshotStore Create(StorageConnection connection, SnapshotStoreOptions? options = null, ISnapshotStoreObserver? observer = null)
    {
        var (tables, blobs) = CreateClients(connection);
        return new SnapshotStore(tables, blobs, options, observer);
    }

    /// <summary>CreateClients builds the table and blob clients of <paramref name="connection"/>; nothing is sent yet.</summary>
    /// <exception cref="InvalidOperationException">The connection string is malformed.</exception>
    internal static (TableServiceClient Tables, BlobServiceClient Blobs) CreateClients(StorageConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.ConnectionString is { } text)
        {
            try
            {
                return (new TableServiceClient(text, TableOptions(connection.RequestObserver)), new BlobServiceClient(text, BlobOptions(connection.RequestObserver)));
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
            {
                // Not ex.Message alone: the SDK's messages do not repeat the string, which may hold a key.
                throw new InvalidOperationException($"not a valid storage connection string: {ex.Message}", ex);
            }
        }

        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = connection.ClientId });
        return (new TableServiceClient(connection.TableServiceUri!, credential, TableOptions(connection.RequestObserver)),
                new BlobServiceClient(connection.BlobServiceUri!, credential, BlobOptions(connection.RequestObserver)));
    }

    /// <summary>TableOptions are the Table client options: two quick retries, a 5 s network timeout, and each request reported to <paramref name="observer"/>.</summary>
    internal static TableClientOptions TableOptions(IStorageRequestObserver? observer = null)
    {
        var options = new TableClientOptions();
        ConfigureRetry(options.Retry);
        StorageRequestPolicy.AddTo(options, StorageService.Table, observer);
        return options;
    }

    /// <summary>BlobOptions are the Blob client options: two quick retries, a 5 s network timeout, and each request reported to <paramref name="observer"/>.</summary>
    internal static BlobClientOptions BlobOptions(IStorageRequestObserver? observer = null)
    {
        var options = new BlobClientOptions();
        ConfigureRetry(options.Retry);
        StorageRequestPolicy.AddTo(options, StorageService.Blob, observer);
        return options;
    }

    private static void ConfigureRetry(RetryOptions retry)
    {
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = 2;
        retry.Delay = TimeSpan.FromMilliseconds(200);
        retry.MaxDelay = TimeSpan.FromSeconds(1);
        retry.NetworkTimeout = NetworkTimeout;
    }

    /// <summary>
    /// NetworkTimeout is how long one storage request may go unanswered before it is retried: at most
    /// 3 × 5 s plus about 0.6 s of delays per request, and usually the caller's deadline is shorter still.
    /// </summary>
    internal static readonly TimeSpan NetworkTimeout = TimeSpan.FromSeconds(5);
}
