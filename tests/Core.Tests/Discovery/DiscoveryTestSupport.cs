using System.Collections.Concurrent;
using FedFunctions.Core.Discovery;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Tests.Discovery;

/// <summary>A clock the test moves forward by hand (refresh intervals); timers stay real.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Records what discovery reports, in order.</summary>
internal sealed class RecordingDiscoveryObserver : IDiscoveryObserver
{
    public ConcurrentQueue<string> Events { get; } = new();

    public void FileReadFailed(string path, string reason) => Events.Enqueue($"file {path}: {reason}");

    public void HttpRefreshFailed(string url, string reason) => Events.Enqueue($"http {url}: {reason}");

    public void TargetSkipped(string job, Labels discoveredLabels, string reason) => Events.Enqueue($"skipped {job} {discoveredLabels.Get("__address__")}: {reason}");

    public void TargetLimitExceeded(string job, int targets, long limit) => Events.Enqueue($"limit {job} {targets}/{limit}");

    public string[] Drain()
    {
        var list = new List<string>();
        while (Events.TryDequeue(out var e)) list.Add(e);
        return [.. list];
    }
}

/// <summary>A temporary folder for SD files, deleted at dispose.</summary>
internal sealed class SdFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("fedfn-sd-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes by atomic rename, as the Prometheus docs advise for file SD.</summary>
    public string Write(string name, string content)
    {
        var target = File(name);
        var temp = target + ".tmp-" + Guid.NewGuid().ToString("N");
        System.IO.File.WriteAllText(temp, content);
        System.IO.File.Move(temp, target, overwrite: true);
        return target;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
