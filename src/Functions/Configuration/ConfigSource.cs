using System.Security.Cryptography;
using System.Text;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Storage;

namespace FedFunctions.Functions.Configuration;

/// <summary>
/// ConfigSource is where the scrape configuration comes from (<c>Federation__ConfigPath</c>): a local file
/// (<see cref="FileConfigSource"/>) or a blob in the <c>FederationStorage</c> account (<see cref="BlobConfigSource"/>).
/// It tells cheaply whether the source changed since a version it handed out, and parses what it read with
/// relative file paths resolved where that kind of source resolves them.
/// </summary>
internal abstract class ConfigSource
{
    /// <summary>Name is the file path or blob URL, as messages show it.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Reads the configuration, or returns null when it is still at <paramref name="knownVersion"/> (a version an
    /// earlier read returned); null <paramref name="knownVersion"/> always reads.
    /// </summary>
    /// <exception cref="ConfigException">The source cannot be read; the message names it and says why.</exception>
    public abstract Task<ConfigText?> ReadIfChangedAsync(string? knownVersion, CancellationToken cancellationToken);

    /// <summary>Parses <paramref name="text"/> read from this source.</summary>
    /// <exception cref="ConfigException">The text is not a valid configuration (file, line and key named).</exception>
    public abstract FederationConfig Parse(string text);

    /// <summary>Whether <paramref name="configPath"/> is meant as a blob URL rather than a file path.</summary>
    public static bool IsUrl(string configPath) =>
        configPath.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || configPath.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Create picks the source for <paramref name="configPath"/>: a blob URL is read through <paramref name="storage"/>
    /// (relative paths in it resolve against <paramref name="configDirectory"/>), anything else is a file.
    /// </summary>
    /// <exception cref="ConfigException">The URL is not a blob of the storage account.</exception>
    public static ConfigSource Create(string configPath, StorageConnection storage, string configDirectory) =>
        IsUrl(configPath) ? BlobConfigSource.ForUrl(configPath, storage, configDirectory) : new FileConfigSource(configPath);
}

/// <summary>ConfigText is one read of a configuration source: the YAML and the source's version of it (file stamp, blob ETag).</summary>
internal sealed record ConfigText(string Text, string Version)
{
    /// <summary>Hash is the SHA-256 of the text: equal hashes mean an unchanged configuration whatever the version says.</summary>
    public string Hash { get; } = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Text)));
}
