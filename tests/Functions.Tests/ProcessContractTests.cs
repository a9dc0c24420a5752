using System.Net;
using FedFunctions.Functions.Hosting;
using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests;

/// <summary>The built executable as a separate process: which mode it picks from how it was started, and start-up errors.</summary>
public sealed class ProcessContractTests
{
    private static string App => Path.Combine(Path.GetDirectoryName(typeof(StandaloneApp).Assembly.Location)!, "FedFunctions.Functions.dll");

    private static ManagedProcess Start(string configPath, IEnumerable<string> args, IDictionary<string, string>? environment = null) =>
        new("dotnet", [App, .. args], Path.GetDirectoryName(App), new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["Federation__ConfigPath"] = configPath,
            ["ScrapeSchedule"] = "0 0 0 1 1 *",
            // Storage is not touched before a request: a closed port is fine for these checks.
            ["FederationStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AzuriteServer.AccountKey +
                                    ";BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;",
        });

    private static async Task<string> EmptyConfigAsync()
    {
        var config = Path.GetTempFileName();
        await File.WriteAllTextAsync(config, "scrape_configs: []\n");
        return config;
    }

    /// <summary>What the Functions host passes an isolated worker (azure-functions-host's worker process arguments).</summary>
    private static string[] WorkerArguments(int port) =>
    [
        "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--workerId", "w1", "--requestId", "r1", "--grpcMaxMessageLength", "2147483647",
        "--functions-uri", $"http://127.0.0.1:{port}/", "--functions-worker-id", "w1", "--functions-request-id", "r1", "--functions-grpc-max-message-length", "2147483647",
    ];

    [Fact]
    public async Task WithTheHostsWorkerArgumentsItRunsAsTheIsolatedWorkerWithoutItsOwnScheduler()
    {
        var config = await EmptyConfigAsync();
        // No gRPC server listens there: the worker starts, picks worker mode, then fails to reach the host.
        using var process = Start(config, WorkerArguments(FreePort.Next()));
        await Poll.UntilAsync(() => Task.FromResult(process.Output.Contains("isolated worker", StringComparison.Ordinal) ? "logged" : null),
            TimeSpan.FromSeconds(30), "the worker-mode line");
        Assert.DoesNotContain("running standalone", process.Output);
        Assert.DoesNotContain("local scheduler", process.Output);
        File.Delete(config);
    }

    [Fact]
    public async Task WithoutTheHostItServesHttpAndRunsItsOwnScheduler()
    {
        var config = await EmptyConfigAsync();
        var port = FreePort.Next();
        using var process = Start(config, ["--urls", $"http://127.0.0.1:{port}"]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        await Poll.UntilAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException("app exited: " + process.Output);
            using var response = await http.GetAsync("/");
            return response.StatusCode == HttpStatusCode.OK ? "ready" : null;
        }, TimeSpan.FromSeconds(30), "the app to answer GET /");
        await Poll.UntilAsync(() => Task.FromResult(process.Output.Contains("local scheduler", StringComparison.Ordinal) ? "logged" : null),
            TimeSpan.FromSeconds(30), "the local scheduler to start");
        Assert.Contains("running standalone", process.Output);
        Assert.Contains("0 0 0 1 1 *", process.Output);
        File.Delete(config);
    }

    [Fact]
    public async Task WithApplicationInsightsConfiguredTheWorkerStartsWithTheExporter()
    {
        var config = await EmptyConfigAsync();
        var ingestion = $"http://127.0.0.1:{FreePort.Next()}/";
        using var process = Start(config, WorkerArguments(FreePort.Next()), new Dictionary<string, string>
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = $"InstrumentationKey=00000000-0000-0000-0000-000000000013;IngestionEndpoint={ingestion};LiveEndpoint={ingestion}",
            ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD",
        });
        await Poll.UntilAsync(() => Task.FromResult(process.Output.Contains("isolated worker", StringComparison.Ordinal) ? "logged" : null),
            TimeSpan.FromSeconds(30), "the worker-mode line");
        Assert.DoesNotContain("configuration error", process.Output);
        File.Delete(config);
    }

    [Fact]
    public async Task RefusesToStartOnAWrongApplicationInsightsAuthenticationString()
    {
        var config = await EmptyConfigAsync();
        using var process = Start(config, [], new Dictionary<string, string>
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000013;IngestionEndpoint=http://127.0.0.1:9/",
            ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "Authorization=Key",
        });
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the app should exit");
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", process.Output);
        File.Delete(config);
    }

    [Fact]
    public async Task RefusesToStartOnAConfigMistakeAndNamesTheKey()
    {
        var config = Path.GetTempFileName();
        await File.WriteAllTextAsync(config, "global:\n  scrape_intervall: 15s\n");
        using var process = Start(config, []);
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the app should exit");
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("scrape_intervall", process.Output);
        Assert.Contains(":2", process.Output);
        File.Delete(config);
    }

    public static TheoryData<string[], string?, string?, bool> Starts => new()
    {
        // The host's arguments, in both spellings the worker accepts.
        { ["--host", "127.0.0.1", "--port", "5000", "--functions-uri", "http://127.0.0.1:5000/", "--functions-worker-id", "w"], null, null, true },
        { ["--functions-uri=http://127.0.0.1:5000/"], null, null, true },
        // The placeholder launcher passes the endpoint as a setting instead.
        { [], "Functions:Worker:HostEndpoint", "http://127.0.0.1:5000/", true },
        { [], "Functions__Worker__HostEndpoint", "http://127.0.0.1:5000/", true },
        // A plain run, with or without Kestrel's own arguments.
        { [], null, null, false },
        { ["--urls", "http://127.0.0.1:7071"], null, null, false },
        { [], "Functions__Worker__HostEndpoint", " ", false },
        // The old short form alone is not the isolated worker's contract (every 2.x host sends --functions-uri).
        { ["--host", "127.0.0.1", "--port", "5000"], null, null, false },
    };

    [Theory]
    [MemberData(nameof(Starts))]
    public void TheModeFollowsTheHostsStartupArgumentsOrEndpointSetting(string[] args, string? setting, string? value, bool worker)
    {
        Assert.Equal(worker, HostingMode.StartedByFunctionsHost(args, name => name == setting ? value : null));
    }
}
