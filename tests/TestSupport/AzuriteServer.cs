using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace FedFunctions.TestSupport;

/// <summary>
/// AzuriteServer runs a real Azurite (the Azure Storage emulator, from the repository's <c>node_modules</c>)
/// in memory on free 127.0.0.1 ports for the duration of a test class or collection, and kills it on dispose.
/// Every test project uses it as an xunit fixture (with Kill, RestartEmpty, Freeze and Thaw for fault tests).
/// </summary>
public sealed partial class AzuriteServer : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>The well-known development account of the emulator.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The well-known (public) key of the development account.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly StringBuilder _output = new();
    private Process? _process;

    /// <summary>ProcessId is the Azurite (node) process id, for resource measurements.</summary>
    public int ProcessId => _process?.Id ?? 0;

    /// <summary>BlobPort is the port the Blob service listens on.</summary>
    public int BlobPort { get; private set; }

    /// <summary>TablePort is the port the Table service listens on.</summary>
    public int TablePort { get; private set; }

    /// <summary>QueuePort is the port the Queue service listens on.</summary>
    public int QueuePort { get; private set; }

    /// <summary>ConnectionString is an explicit devstoreaccount1 connection string with the chosen ports.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    /// <summary>StartAsync starts a server outside xunit's fixture lifecycle; dispose it when done.</summary>
    public static async Task<AzuriteServer> StartAsync()
    {
        var server = new AzuriteServer();
        try
        {
            await server.InitializeAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>InitializeAsync starts Azurite on free ports and waits until the Blob, Queue and Table services listen.</summary>
    public Task InitializeAsync() => StartProcessAsync(0, 0, 0);

    private async Task StartProcessAsync(int blobPort, int tablePort, int queuePort)
    {
        var executable = FindAzurite();
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // In-memory persistence writes nothing, but keep the repository clean regardless.
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in new[]
        {
            "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--silent",
            "--blobHost", "127.0.0.1", "--tableHost", "127.0.0.1", "--queueHost", "127.0.0.1",
            "--blobPort", Port(blobPort), "--tablePort", Port(tablePort), "--queuePort", Port(queuePort),
        })
        {
            start.ArgumentList.Add(arg);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output) _listening.Clear();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnOutput(e.Data, ready);
        process.ErrorDataReceived += (_, e) => OnOutput(e.Data, null);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"Azurite exited before it was ready. Output:\n{Output}"));
        if (!process.Start()) throw new InvalidOperationException($"could not start {executable}");
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var finished = await Task.WhenAny(ready.Task, Task.Delay(StartTimeout));
        if (finished != ready.Task)
            throw new TimeoutException($"Azurite did not report its ports within {StartTimeout.TotalSeconds:0} s. Output:\n{Output}");
        await ready.Task;
    }

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // The services that reported listening since the last start.
    private readonly HashSet<string> _listening = [];

    /// <summary>KillAsync kills Azurite (and everything it stored in memory); <see cref="RestartEmptyAsync"/> brings it back.</summary>
    public ValueTask KillAsync() => DisposeAsync();

    /// <summary>
    /// RestartEmptyAsync kills Azurite if it runs and starts a new, empty one on the same ports: to clients
    /// it looks like storage that came back without its tables and containers.
    /// </summary>
    public async Task RestartEmptyAsync()
    {
        await KillAsync();
        await StartProcessAsync(BlobPort, TablePort, QueuePort);
    }

    /// <summary>Freeze stops Azurite with SIGSTOP: connections are still accepted by the kernel, nothing is answered.</summary>
    public void Freeze() => Signal("-STOP");

    /// <summary>Thaw resumes a frozen Azurite with SIGCONT.</summary>
    public void Thaw() => Signal("-CONT");

    private void Signal(string signal)
    {
        var pid = ProcessId;
        if (pid == 0) throw new InvalidOperationException("Azurite is not running");
        Signal(pid, signal);
    }

    /// <summary>Signal sends <paramref name="signal"/> (e.g. <c>-TERM</c>) to process <paramref name="pid"/> with kill.</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { signal, Port(pid) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run kill");
        if (!kill.WaitForExit(TimeSpan.FromSeconds(10)) || kill.ExitCode != 0)
            throw new InvalidOperationException($"kill {signal} {pid} failed");
    }

    private string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private void OnOutput(string? line, TaskCompletionSource? ready)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.AppendLine(line);
            var match = ListeningRegex().Match(line);
            if (match.Success)
            {
                var port = int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
                switch (match.Groups["service"].Value)
                {
                    case "Blob": BlobPort = port; break;
                    case "Queue": QueuePort = port; break;
                    case "Table": TablePort = port; break;
                }
            }
            if (match.Success) _listening.Add(match.Groups["service"].Value);
            if (ready is not null && _listening.Count == 3) ready.TrySetResult();
        }
    }

    // e.g. "Azurite Table service is successfully listening at http://127.0.0.1:38195"
    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at https?://[^:\s]+:(?<port>\d+)")]
    private static partial Regex ListeningRegex();

    /// <summary>FindAzurite locates <c>node_modules/.bin/azurite</c> in the repository (the folder with fed-functions.sln).</summary>
    public static string FindAzurite()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "fed-functions.sln"))) dir = dir.Parent;
        if (dir is null)
            throw new InvalidOperationException($"cannot find the repository root (a folder containing fed-functions.sln) above {AppContext.BaseDirectory}");
        var name = OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite";
        var path = Path.Combine(dir.FullName, "node_modules", ".bin", name);
        if (!File.Exists(path))
            throw new InvalidOperationException($"Azurite is not installed: {path} is missing; run npm ci in {dir.FullName}");
        return path;
    }

    /// <summary>DisposeAsync kills Azurite and its child processes.</summary>
    public async ValueTask DisposeAsync()
    {
        var process = Interlocked.Exchange(ref _process, null);
        if (process is null) return;
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true); // SIGKILL also ends a frozen (SIGSTOP) process
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            // Already gone, or not stopping: nothing more a test fixture can do.
        }
        finally
        {
            process.Dispose();
        }
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
