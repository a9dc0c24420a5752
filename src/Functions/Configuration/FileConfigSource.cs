using System.Globalization;
using FedFunctions.Core.Configuration;

namespace FedFunctions.Functions.Configuration;

/// <summary>
/// FileConfigSource reads the configuration from a local file. Its version is the file's modification time and
/// length, so an unchanged file costs one <c>stat</c> per check; relative paths in it resolve against the file's
/// own directory, as Prometheus resolves them.
/// </summary>
internal sealed class FileConfigSource(string path) : ConfigSource
{
    public override string Name => path;

    public override async Task<ConfigText?> ReadIfChangedAsync(string? knownVersion, CancellationToken cancellationToken)
    {
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists) throw new FileNotFoundException($"Could not find file '{file.FullName}'.");
            // The stamp is taken before the read: a write in between is read now and seen again (same hash) next time.
            var version = file.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture) + "/" + file.Length.ToString(CultureInfo.InvariantCulture);
            if (version == knownVersion) return null;
            return new ConfigText(await File.ReadAllTextAsync(path, cancellationToken), version);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ConfigException($"{path}: cannot read configuration: {ex.Message}", ex);
        }
    }

    public override FederationConfig Parse(string text) => FederationConfig.Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path)));
}
