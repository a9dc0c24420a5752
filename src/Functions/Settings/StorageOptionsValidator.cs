using FedFunctions.Core.Storage;
using Microsoft.Extensions.Options;

namespace FedFunctions.Functions.Settings;

/// <summary>
/// StorageOptionsValidator refuses storage settings that are inconsistent (both kinds of access, half of the
/// identity-based pair, a client id without URIs) or malformed, naming the settings; it never repeats a
/// connection string, which holds the account key.
/// </summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    private const string Connection = StorageOptions.Section;
    private const string TableUri = StorageOptions.Section + "__tableServiceUri";
    private const string BlobUri = StorageOptions.Section + "__blobServiceUri";
    private const string ClientId = StorageOptions.Section + "__clientId";
    private const string QueueUri = StorageOptions.Section + "__queueServiceUri";

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var identity = !StorageOptions.Blank(options.TableServiceUri) || !StorageOptions.Blank(options.BlobServiceUri);
        if (!identity)
        {
            if (!StorageOptions.Blank(options.QueueServiceUri))
                return Fail($"{QueueUri} is set but {TableUri} and {BlobUri} are not; set all three for identity-based access");
            if (!StorageOptions.Blank(options.ClientId))
                return Fail($"{ClientId} is set but {TableUri} and {BlobUri} are not; the client id only applies to identity-based access");
        }
        else
        {
            if (!StorageOptions.Blank(options.ConnectionString))
                return Fail($"both {Connection} (connection string) and {TableUri}/{BlobUri} (identity-based) are set; set only one");
            if (StorageOptions.Blank(options.TableServiceUri)) return Fail($"{BlobUri} is set but {TableUri} is missing");
            if (StorageOptions.Blank(options.BlobServiceUri)) return Fail($"{TableUri} is set but {BlobUri} is missing");
            if (!IsServiceUri(options.TableServiceUri!)) return Fail($"{TableUri} must be an absolute http(s) URI, got \"{options.TableServiceUri}\"");
            if (!IsServiceUri(options.BlobServiceUri!)) return Fail($"{BlobUri} must be an absolute http(s) URI, got \"{options.BlobServiceUri}\"");
            if (!StorageOptions.Blank(options.QueueServiceUri) && !IsServiceUri(options.QueueServiceUri!)) return Fail($"{QueueUri} must be an absolute http(s) URI, got \"{options.QueueServiceUri}\"");
        }

        try
        {
            _ = SnapshotStore.Create(options.Connection); // builds the clients only: nothing is sent
            return ValidateOptionsResult.Success;
        }
        catch (InvalidOperationException ex)
        {
            return ValidateOptionsResult.Fail($"setting {Connection}: {ex.Message}");
        }
    }

    private static bool IsServiceUri(string value) =>
        Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private static ValidateOptionsResult Fail(string message) => ValidateOptionsResult.Fail($"storage settings: {message}");
}
