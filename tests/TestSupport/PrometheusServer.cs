using System.Net;
using System.Text.Json;

namespace FedFunctions.TestSupport;

/// <summary>
/// PrometheusServer runs the real Prometheus (Debian package, 2.42) on a free loopback port with a
/// given configuration and a throw-away TSDB, for use as a federating client and as the oracle.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly ManagedProcess _process;
    private readonly string _directory;

    private PrometheusServer(ManagedProcess process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        BaseAddress = $"http://127.0.0.1:{port}";
        Http = new HttpClient { BaseAddress = new Uri(BaseAddress), Timeout = TimeSpan.FromSeconds(20) };
    }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:9123</c>.</summary>
    public string BaseAddress { get; }

    /// <summary>The <c>host:port</c> to put in a scrape config.</summary>
    public string HostPort => new Uri(BaseAddress).Authority;

    /// <summary>A client for the server's HTTP API.</summary>
    public HttpClient Http { get; }

    /// <summary>Where the prometheus binary is.</summary>
    public static string Binary => File.Exists("/usr/bin/prometheus")
        ? "/usr/bin/prometheus"
        : throw new InvalidOperationException("prometheus is not installed: run scripts/setup.sh --test (apt-get install prometheus)");

    /// <summary>Starts Prometheus with <paramref name="configYaml"/> and waits until it is ready.</summary>
    /// <param name="configYaml">The prometheus.yml content.</param>
    /// <param name="extraArguments">More flags, e.g. <c>--query.lookback-delta=1m</c>.</param>
    public static async Task<PrometheusServer> StartAsync(string configYaml, params string[] extraArguments)
    {
        var directory = Directory.CreateTempSubdirectory("fedfn-prom-").FullName;
        var configPath = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(configPath, configYaml);
        var port = FreePort.Next();
        var process = new ManagedProcess(Binary,
        [
            $"--config.file={configPath}",
            $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
            .. extraArguments,
        ], directory);
        var server = new PrometheusServer(process, directory, port);
        try
        {
            await Poll.UntilAsync(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException("prometheus exited: " + process.Output);
                var response = await server.Http.GetAsync("/-/ready");
                return response.StatusCode == HttpStatusCode.OK ? "ready" : null;
            }, TimeSpan.FromSeconds(30), "prometheus to be ready");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Runs an instant query and returns the <c>data.result</c> array.</summary>
    public async Task<JsonElement> QueryAsync(string expression)
    {
        var json = await Http.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(expression));
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("data").GetProperty("result").Clone();
    }

    /// <summary>Fetches this server's own <c>/federate</c> for the given selectors.</summary>
    public Task<string> FederateAsync(params string[] matches) =>
        Http.GetStringAsync("/federate?" + string.Join("&", matches.Select(m => "match[]=" + Uri.EscapeDataString(m))));

    /// <summary>Waits until every target reports a finished scrape (<c>up</c> present for each).</summary>
    public Task WaitForTargetsAsync(int targets, TimeSpan timeout) =>
        Poll.UntilAsync(async () => (await QueryAsync("up")).GetArrayLength() >= targets ? "up" : null, timeout, $"{targets} targets scraped by prometheus");

    /// <summary>Everything Prometheus printed (for failure messages).</summary>
    public string Output => _process.Output;

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Http.Dispose();
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }
}
