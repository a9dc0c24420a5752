using System.Net;
using FedFunctions.Functions.Hosting;
using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests;

/// <summary>The built executable in standalone mode reloads its configuration on SIGHUP, as Prometheus does, and keeps running.</summary>
public sealed class ReloadProcessTests
{
    private static string App => Path.Combine(Path.GetDirectoryName(typeof(StandaloneApp).Assembly.Location)!, "FedFunctions.Functions.dll");

    private static string Config(params string[] jobs) =>
        "scrape_configs:\n" + string.Concat(jobs.Select(job => $"  - job_name: {job}\n    static_configs:\n      - targets: ['127.0.0.1:9']\n"));

    [Fact]
    public async Task SighupAppliesAChangedConfigAndRefusesABrokenOneNamingTheKey()
    {
        var directory = Directory.CreateTempSubdirectory("fedfn-sighup-").FullName;
        try
        {
            var config = Path.Combine(directory, "prometheus.yml");
            await File.WriteAllTextAsync(config, Config("alpha"));
            var port = FreePort.Next();
            using var process = new ManagedProcess("dotnet", [App, "--urls", $"http://127.0.0.1:{port}"], directory, new Dictionary<string, string>
            {
                ["Federation__ConfigPath"] = config,
                ["ScrapeSchedule"] = "0 0 0 1 1 *",
                // Reloading does not touch storage: a closed port is fine.
                ["FederationStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AzuriteServer.AccountKey +
                                        ";BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;",
            });
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            await Poll.UntilAsync(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException("app exited: " + process.Output);
                using var response = await http.GetAsync("/");
                return response.StatusCode == HttpStatusCode.OK ? "ready" : null;
            }, TimeSpan.FromSeconds(30), "the app to answer GET /");

            await File.WriteAllTextAsync(config, Config("alpha", "beta"));
            AzuriteServer.Signal(process.Id, "-HUP");
            await Poll.UntilAsync(() => Task.FromResult(process.Output.Contains($"configuration reloaded from {config} (SIGHUP): 2 jobs", StringComparison.Ordinal) ? "logged" : null),
                TimeSpan.FromSeconds(30), "the reload after SIGHUP");

            await File.WriteAllTextAsync(config, "scrape_configs:\n  - job_name: alpha\n    static_configs: []\n    scrape_intervall: 5s\n");
            AzuriteServer.Signal(process.Id, "-HUP");
            var failure = await Poll.UntilAsync(() => Task.FromResult(process.Output.Split('\n').FirstOrDefault(l => l.Contains("configuration reload from", StringComparison.Ordinal) && l.Contains("failed (SIGHUP)", StringComparison.Ordinal))),
                TimeSpan.FromSeconds(30), "the refused reload after SIGHUP");
            Assert.Contains($"{config}:4: ", failure);
            Assert.Contains("scrape_intervall", failure);
            Assert.Contains("the last good configuration keeps running", failure);

            Assert.False(process.HasExited, "SIGHUP must not end the app: " + process.Output);
            var metrics = ExpositionText.Samples(await http.GetStringAsync("/metrics"));
            Assert.Equal("0", metrics["fedfunctions_config_last_reload_successful"]);
            Assert.Equal("1", metrics["fedfunctions_config_reloads_total{outcome=\"success\"}"]);
            Assert.Equal("1", metrics["fedfunctions_config_reloads_total{outcome=\"invalid\"}"]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
