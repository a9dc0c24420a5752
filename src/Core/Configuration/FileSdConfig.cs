namespace FedFunctions.Core.Configuration;

/// <summary>
/// FileSdConfig is one item of a job's <c>file_sd_configs</c>: files holding target groups (JSON or YAML by
/// extension), re-read when they change and at least every <see cref="RefreshInterval"/>.
/// </summary>
public sealed class FileSdConfig
{
    /// <summary>The default <c>refresh_interval</c> (5m, as in Prometheus).</summary>
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromMinutes(5);

    /// <summary>Files are the absolute path patterns; <c>*</c>, <c>?</c> and <c>[...]</c> may appear in the file name only.</summary>
    public IReadOnlyList<string> Files { get; internal init; } = [];

    /// <summary>RefreshInterval is how often every matching file is read again even when it looks unchanged.</summary>
    public TimeSpan RefreshInterval { get; internal init; } = DefaultRefreshInterval;

    /// <summary>Key identifies equal configs: they share one discoverer and its last good groups.</summary>
    internal string Key => "file|" + RefreshInterval.Ticks + "|" + string.Join('\n', Files);

    /// <inheritdoc />
    public override string ToString() => "file_sd " + string.Join(",", Files);
}
