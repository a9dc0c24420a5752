using FedFunctions.Core.Configuration;

namespace FedFunctions.Core.Discovery;

/// <summary>
/// FileDiscoverer is one <c>file_sd_configs</c> item's state: the matching files' last good target groups.
/// At each refresh the patterns are expanded again; a file is read when it is new, when its modification time
/// or size changed, and every file at least every <c>refresh_interval</c>. A file that cannot be read or parsed
/// keeps its last good groups (reported to the observer); a file that is gone takes its targets with it.
/// </summary>
internal sealed class FileDiscoverer(FileSdConfig config)
{
    private const string MetaFilePath = "__meta_filepath";
    private Dictionary<string, FileState> _files = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastFullRead;

    /// <summary>Uncertain is true while a matching file has never been read successfully since this process started.</summary>
    public bool Uncertain { get; private set; }

    /// <summary>Refresh reads what changed and returns the current groups of all matching files, in path order.</summary>
    public IReadOnlyList<TargetGroup> Refresh(DateTimeOffset now, IDiscoveryObserver? observer)
    {
        var full = _lastFullRead is not { } last || now - last >= config.RefreshInterval;
        var files = new Dictionary<string, FileState>(StringComparer.Ordinal);
        var groups = new List<TargetGroup>();
        var uncertain = false;
        foreach (var path in config.Files.SelectMany(FileGlob.Expand).Distinct(StringComparer.Ordinal))
        {
            var info = new FileInfo(path);
            if (!info.Exists) continue;
            var fingerprint = (info.LastWriteTimeUtc.Ticks, info.Length);
            if (!_files.TryGetValue(path, out var state) || full || state.Fingerprint != fingerprint)
            {
                var read = Read(path, out var error);
                if (read is null) observer?.FileReadFailed(path, error!);
                // A failed read keeps the last good groups; its fingerprint is kept so it is retried on change or refresh.
                state = new FileState(fingerprint, read ?? state?.Groups);
            }
            files[path] = state;
            if (state.Groups is null) uncertain = true;
            else groups.AddRange(state.Groups);
        }
        _files = files;
        if (full) _lastFullRead = now;
        Uncertain = uncertain;
        return groups;
    }

    private static IReadOnlyList<TargetGroup>? Read(string path, out string? error)
    {
        error = null;
        try
        {
            var bytes = File.ReadAllBytes(path);
            return Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase)
                ? TargetGroupParser.ParseJson(bytes, path, MetaFilePath, path)
                : TargetGroupParser.ParseYaml(System.Text.Encoding.UTF8.GetString(bytes), path, MetaFilePath, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"error reading file: {ex.Message}";
        }
        catch (FormatException ex)
        {
            error = ex.Message;
        }
        return null;
    }

    /// <summary>One file's modification time and size when last read, and its last good groups (null: never good).</summary>
    private sealed record FileState((long Ticks, long Length) Fingerprint, IReadOnlyList<TargetGroup>? Groups);
}
