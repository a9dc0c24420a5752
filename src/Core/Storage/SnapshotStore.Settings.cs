using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace FedFunctions.Core.Storage;

public sealed partial class SnapshotStore
{
    /// <summary>ConnectionSetting holds a storage connection string (default: Azurite's <c>UseDevelopmentStorage=true</c>).</summary>
    internal const string ConnectionSetting = "FederationStorage";
    internal const string TableUriSetting = "FederationStorage__tableServiceUri";
    internal const string BlobUriSetting = "FederationStorage__blobServiceUri";
    internal const string ClientIdSetting = "FederationStorage__clientId";
    internal const string DevelopmentStorage = "UseDevelopmentStorage=true";

    /// <summary>
    /// FromSettings creates a store from Functions-style app settings: either the connection string in
    /// <c>FederationStorage</c> (default <c>UseDevelopmentStorage=true</c>), or identity-based
    /// <c>FederationStorage__tableServiceUri</c> + <c>FederationStorage__blobServiceUri</c> with
    /// <see cref="DefaultAzureCredential"/> (<c>FederationStorage__clientId</c> selects a user-assigned identity).
    /// Clients retry twice with short delays and time out a request that gets no answer after
    /// <see cref="NetworkTimeout"/> (5 s), so an unreachable or frozen account fails fast; callers bound whole
    /// operations with their own deadline on top (the cancellation token).
    /// </summary>
    /// <param name="getSetting">Looks up a setting by name (e.g. <see cref="Environment.GetEnvironmentVariable(string)"/>); null or empty = unset.</param>
    /// <param name="options">Table and container names.</param>
    /// <exception cref="InvalidOperationException">The settings are inconsistent or malformed; the message names them.</exception>
    /// <param name="observer">Hears about re-created storage and skipped corrupt entities (null: nobody).</param>
    public static SnapshotStore FromSettings(Func<string, string?> getSetting, SnapshotStoreOptions? options = null, ISnapshotStoreObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(getSetting);
        var (tables, blobs) = CreateClients(getSetting);
        return new SnapshotStore(tables, blobs, options, observer);
    }

    internal static (TableServiceClient Tables, BlobServiceClient Blobs) CreateClients(Func<string, string?> getSetting)
    {
        var connection = Setting(getSetting, ConnectionSetting);
        var tableUri = Setting(getSetting, TableUriSetting);
        var blobUri = Setting(getSetting, BlobUriSetting);
        var clientId = Setting(getSetting, ClientIdSetting);

        if (tableUri is null && blobUri is null)
        {
            if (clientId is not null)
                throw Inconsistent($"{ClientIdSetting} is set but {TableUriSetting} and {BlobUriSetting} are not; the client id only applies to identity-based access");
            connection ??= DevelopmentStorage;
            try
            {
                return (new TableServiceClient(connection, TableOptions()), new BlobServiceClient(connection, BlobOptions()));
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
            {
                throw new InvalidOperationException($"setting {ConnectionSetting} is not a valid storage connection string: {ex.Message}", ex);
            }
        }

        if (connection is not null)
            throw Inconsistent($"both {ConnectionSetting} (connection string) and {TableUriSetting}/{BlobUriSetting} (identity-based) are set; set only one");
        if (tableUri is null) throw Inconsistent($"{BlobUriSetting} is set but {TableUriSetting} is missing");
        if (blobUri is null) throw Inconsistent($"{TableUriSetting} is set but {BlobUriSetting} is missing");

        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        return (new TableServiceClient(ServiceUri(TableUriSetting, tableUri), credential, TableOptions()),
                new BlobServiceClient(ServiceUri(BlobUriSetting, blobUri), credential, BlobOptions()));
    }

    private static string? Setting(Func<string, string?> getSetting, string name)
    {
        var value = getSetting(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private static Uri ServiceUri(string name, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw Inconsistent($"{name} must be an absolute http(s) URI, got \"{value}\"");

    private static InvalidOperationException Inconsistent(string message) => new($"storage settings: {message}");

    /// <summary>TableOptions are the Table client options: two quick retries and a 5 s network timeout.</summary>
    internal static TableClientOptions TableOptions()
    {
        var options = new TableClientOptions();
        ConfigureRetry(options.Retry);
        return options;
    }

    /// <summary>BlobOptions are the Blob client options: two quick retries and a 5 s network timeout.</summary>
    internal static BlobClientOptions BlobOptions()
    {
        var options = new BlobClientOptions();
        ConfigureRetry(options.Retry);
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
