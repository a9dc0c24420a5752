using System.Net;

namespace FedFunctions.TestSupport;

/// <summary>
/// NodeExporter runs Debian's <c>prometheus-node-exporter</c> (installed by <c>scripts/setup.sh --test</c>) on a free
/// loopback port with a fixed set of collectors, so its series set stays the same from one scrape to the next.
/// </summary>
public sealed class NodeExporter : IAsyncDisposable
{
    private readonly ManagedProcess _process;

    private NodeExporter(ManagedProcess process, int port)
    {
        _process = process;
        HostPort = $"127.0.0.1:{port}";
    }

    /// <summary>HostPort is the exporter's <c>127.0.0.1:port</c>.</summary>
    public string HostPort { get; }

    /// <summary>The exporter's executable.</summary>
    public static string Binary => "/usr/bin/prometheus-node-exporter";

    /// <summary>Starts the exporter and waits until it answers.</summary>
    public static async Task<NodeExporter> StartAsync()
    {
        var port = FreePort.Next();
        var process = new ManagedProcess(Binary,
        [
            $"--web.listen-address=127.0.0.1:{port}",
            "--collector.disable-defaults",
            "--collector.cpu",
            "--collector.loadavg",
            "--collector.meminfo",
            "--collector.stat",
            "--collector.uname",
            "--log.level=warn",
        ]);
        var exporter = new NodeExporter(process, port);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://{exporter.HostPort}") };
            await Poll.UntilAsync(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException("node exporter exited: " + process.Output);
                try
                {
                    using var response = await http.GetAsync("/metrics");
                    return response.StatusCode == HttpStatusCode.OK ? "up" : null;
                }
                catch (HttpRequestException)
                {
                    return null;
                }
            }, TimeSpan.FromSeconds(30), "node exporter to answer");
        }
        catch
        {
            await exporter.DisposeAsync();
            throw;
        }
        return exporter;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
