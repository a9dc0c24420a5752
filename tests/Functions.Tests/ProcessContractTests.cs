using System.Net;
using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests;

/// <summary>The handler as the Functions host starts it: a separate process, told its port by environment variable.</summary>
public sealed class ProcessContractTests
{
    private static string Handler => Path.Combine(Path.GetDirectoryName(typeof(Hosting.FederationApp).Assembly.Location)!, "handler.dll");

    private static ManagedProcess Start(string configPath, IDictionary<string, string> environment) =>
        new("dotnet", [Handler], Path.GetDirectoryName(Handler), new Dictionary<string, string>(environment)
        {
            ["Federation__ConfigPath"] = configPath,
            // Storage is not touched before a request: a closed port is fine for these checks.
            ["FederationStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + Core.Tests.Storage.AzuriteServer.AccountKey +
                                    ";BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;",
        });

    [Fact]
    public async Task ListensOnTheCustomHandlerPortAndLeavesSchedulingToTheHost()
    {
        var config = Path.GetTempFileName();
        await File.WriteAllTextAsync(config, "scrape_configs: []\n");
        var port = FreePort.Next();
        using var process = Start(config, new Dictionary<string, string> { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };

        // The host polls GET / until it answers; it gives up after 30 s on Flex Consumption.
        var ready = await Poll.UntilAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException("handler exited: " + process.Output);
            using var response = await http.GetAsync("/");
            return response.StatusCode == HttpStatusCode.OK ? "ready" : null;
        }, TimeSpan.FromSeconds(30), "the handler to answer GET /");
        Assert.Equal("ready", ready);
        Assert.DoesNotContain("local scheduler", process.Output);
        File.Delete(config);
    }

    [Fact]
    public async Task RunsItsOwnSchedulerOutsideTheHost()
    {
        var config = Path.GetTempFileName();
        await File.WriteAllTextAsync(config, "scrape_configs: []\n");
        var port = FreePort.Next();
        using var process = new ManagedProcess("dotnet", [Handler, "--urls", $"http://127.0.0.1:{port}"], Path.GetDirectoryName(Handler),
            new Dictionary<string, string> { ["Federation__ConfigPath"] = config, ["ScrapeSchedule"] = "0 0 0 1 1 *" });
        await Poll.UntilAsync(() => Task.FromResult(process.Output.Contains("local scheduler", StringComparison.Ordinal) ? "logged" : null),
            TimeSpan.FromSeconds(30), "the local scheduler to start");
        Assert.Contains("0 0 0 1 1 *", process.Output);
        File.Delete(config);
    }

    [Fact]
    public async Task RefusesToStartOnAConfigMistakeAndNamesTheKey()
    {
        var config = Path.GetTempFileName();
        await File.WriteAllTextAsync(config, "global:\n  scrape_intervall: 15s\n");
        using var process = Start(config, new Dictionary<string, string>());
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the handler should exit");
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("scrape_intervall", process.Output);
        Assert.Contains(":2", process.Output);
        File.Delete(config);
    }
}
