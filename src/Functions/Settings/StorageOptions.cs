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

    /// <summary>ClientId selects a user-assigned managed identity for identity-based access.</summary>
    public string? ClientId { get; set; }

    /// <summary>Connection is the <see cref="StorageConnection"/> these (validated) options describe.</summary>
    internal StorageConnection Connection =>
        Blank(TableServiceUri) && Blank(BlobServiceUri)
            ? StorageConnection.FromConnectionString(Blank(ConnectionString) ? StorageConnection.DevelopmentStorage : ConnectionString!.Trim())
            : StorageConnection.WithIdentity(new Uri(TableServiceUri!.Trim()), new Uri(BlobServiceUri!.Trim()), Blank(ClientId) ? null : ClientId!.Trim());

    internal static bool Blank(string? value) => string.IsNullOrWhiteSpace(value);
}
