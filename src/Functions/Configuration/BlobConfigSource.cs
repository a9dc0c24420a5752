using Azure;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Storage;

namespace FedFunctions.Functions.Configuration;

/// <summary>
/// BlobConfigSource reads the configuration from a blob of the <c>FederationStorage</c> account with the
/// snapshot store's credentials (a connection string locally, the managed identity in Azure). Its version is
/// the blob's ETag: a check is one conditional GET that answers 304 while the blob is unchanged. The app has
/// no directory of its own in Blob storage, so relative paths in the configuration resolve against a local
/// directory (<c>Federation__ConfigDirectory</c>).
/// </summary>
internal sealed class BlobConfigSource : ConfigSource
{
    private readonly BlobClient _blob;
    private readonly string _url;
    private readonly string _configDirectory;

    private BlobConfigSource(BlobClient blob, string url, string configDirectory)
    {
        _blob = blob;
        _url = url;
        _configDirectory = configDirectory;
    }

    public override string Name => _url;

    /// <summary>UrlError says what is wrong with <paramref name="url"/> as a blob URL, or null when it is one.</summary>
    public static string? UrlError(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return "is not an absolute http(s) URL";
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
            return "has a query or fragment: name the blob only (it is read with the FederationStorage credentials, never a SAS token)";
        if (uri.AbsolutePath.Trim('/').Length == 0) return "names no container and blob, e.g. https://ACCOUNT.blob.core.windows.net/config/prometheus.yml";
        return null;
    }

    /// <summary>Create builds the source for the blob at <paramref name="url"/>, which must be in <paramref name="storage"/>'s account.</summary>
    /// <exception cref="ConfigException">The URL is malformed or names a blob outside the account.</exception>
    public static BlobConfigSource ForUrl(string url, StorageConnection storage, string configDirectory)
    {
        if (UrlError(url) is { } error) throw new ConfigException($"setting Federation__ConfigPath: \"{url}\" {error}");
        BlobServiceClient service;
        try
        {
            service = storage.CreateBlobServiceClient();
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigException($"setting {Settings.StorageOptions.Section}: {ex.Message}", ex);
        }

        // The account's blob endpoint, e.g. https://ACCOUNT.blob.core.windows.net/ or http://127.0.0.1:10000/devstoreaccount1/.
        var endpoint = service.Uri.AbsoluteUri.TrimEnd('/') + "/";
        var blobUri = new Uri(url);
        var absolute = blobUri.GetLeftPart(UriPartial.Path);
        var rest = absolute.StartsWith(endpoint, StringComparison.OrdinalIgnoreCase) ? absolute[endpoint.Length..] : null;
        var slash = rest?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (rest is null || slash <= 0 || slash == rest.Length - 1)
        {
            throw new ConfigException(
                $"setting Federation__ConfigPath: \"{url}\" is not a blob in the {Settings.StorageOptions.Section} account, whose blob endpoint is " +
                $"{endpoint}: the configuration is read with the snapshot storage's credentials, so it must be {endpoint}CONTAINER/BLOB");
        }
        var container = Uri.UnescapeDataString(rest[..slash]);
        var name = Uri.UnescapeDataString(rest[(slash + 1)..]);
        return new BlobConfigSource(service.GetBlobContainerClient(container).GetBlobClient(name), url, configDirectory);
    }

    public override async Task<ConfigText?> ReadIfChangedAsync(string? knownVersion, CancellationToken cancellationToken)
    {
        var options = new BlobDownloadOptions();
        if (knownVersion is not null) options.Conditions = new BlobRequestConditions { IfNoneMatch = new ETag(knownVersion) };
        try
        {
            var response = await _blob.DownloadStreamingAsync(options, cancellationToken);
            // If-None-Match answered 304: still the version we have. (The SDK has no value then, and its
            // DownloadContent throws an internal exception for it, so the raw status is checked first.)
            if (response.GetRawResponse().Status == 304) return null;
            using var download = response.Value;
            using var reader = new StreamReader(download.Content, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return new ConfigText(await reader.ReadToEndAsync(cancellationToken), download.Details.ETag.ToString());
        }
        catch (RequestFailedException ex)
        {
            // Status and error code only: the SDK's full message lists request headers.
            var reason = ex.Status == 0 ? FirstLine(ex.Message) : $"HTTP {ex.Status} ({ex.ErrorCode ?? "no error code"})";
            throw Unreadable(reason, ex);
        }
        catch (AggregateException ex)
        {
            // Every retry failed at the transport level (connection refused, timeouts).
            throw Unreadable(FirstLine(ex.InnerExceptions.LastOrDefault()?.Message ?? ex.Message), ex);
        }
        catch (AuthenticationFailedException ex)
        {
            throw Unreadable("no credential: " + FirstLine(ex.Message), ex);
        }
    }

    public override FederationConfig Parse(string text) => FederationConfig.Parse(text, _url, _configDirectory);

    private ConfigException Unreadable(string reason, Exception inner) => new($"{_url}: cannot read configuration blob: {reason}", inner);

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
