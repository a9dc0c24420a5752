using System.Net;
using System.Text.Json;
using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// Real storage faults while the app runs: Azurite killed and restarted empty, and Azurite frozen with SIGSTOP.
/// Each test gets its own Azurite, target and app, so faults never reach other tests.
/// </summary>
[Collection(StorageFaultCollection.Name)]
public sealed class StorageFaultTests : IAsyncLifetime
{
    private AzuriteServer _azurite = null!;
    private TargetServer _target = null!;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        _target = await TargetServer.StartAsync();
        _target.Serve("/metrics", TargetResponse.Text("# TYPE fault_value gauge\nfault_value 1\n"));
    }

    public async Task DisposeAsync()
    {
        await _target.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private Task<AppHost> StartAppAsync(Dictionary<string, string>? settings = null) => AppHost.StartAsync($$"""
        scrape_configs:
          - job_name: fault
            scrape_interval: 1s
            scrape_timeout: 1s
            static_configs:
              - targets: ['{{_target.HostPort}}']
        """, _azurite.ConnectionString, settings);

    private static async Task<string> ValueServedAsync(AppHost app) =>
        ExpositionText.Samples(await app.FederateTextAsync("fault_value")).Single().Value;

    [Fact]
    public async Task StorageRestartedEmptyIsCreatedAgainAndServesTheNextRun()
    {
        await using var app = await StartAppAsync();
        var (status, body) = await app.TriggerScrapeAsync();
        Assert.True(status == 200, body);
        Assert.Equal("1", await ValueServedAsync(app));

        await _azurite.RestartEmptyAsync();
        _target.Serve("/metrics", TargetResponse.Text("# TYPE fault_value gauge\nfault_value 2\n"));
        (status, body) = await app.TriggerScrapeAsync();

        Assert.True(status == 200, body);
        Assert.Equal(1, JsonDocument.Parse(body).RootElement.GetProperty("snapshotsWritten").GetInt32());
        Assert.Equal("2", await ValueServedAsync(app));
        var metrics = await app.Http.GetStringAsync("/metrics");
        var recreated = ExpositionText.Samples(metrics)["fedfunctions_storage_recreated_total"];
        Assert.True(double.Parse(recreated, System.Globalization.CultureInfo.InvariantCulture) >= 1, metrics);
    }

    [Fact]
    public async Task FrozenStorageAnswers503WithinTheBudgetsAndBothRecoverAfterThaw()
    {
        await using var app = await StartAppAsync(new()
        {
            ["Federation__StorageBudget"] = "3s",
            ["Federation__ScrapeRunBudget"] = "3s",
            ["Federation__CacheRefresh"] = "0s", // every request reads storage
        });
        var (status, body) = await app.TriggerScrapeAsync();
        Assert.True(status == 200, body);

        _azurite.Freeze();
        try
        {
            using (var response = await app.FederateAsync("fault_value"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Contains("storage timed out: reading the stored snapshots took longer than the budget of 3 s", await response.Content.ReadAsStringAsync());
            }

            // Prometheus' scrape timeout (2 s) less the 0.5 s margin is shorter than the configured budget.
            using (var request = new HttpRequestMessage(HttpMethod.Get, "/federate?match[]=fault_value"))
            {
                request.Headers.Add("X-Prometheus-Scrape-Timeout-Seconds", "2");
                using var response = await app.Http.SendAsync(request);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Contains("budget of 1.5 s", await response.Content.ReadAsStringAsync());
            }

            (status, body) = await app.TriggerScrapeAsync();
            Assert.Equal(500, status);
            var outcome = JsonDocument.Parse(body).RootElement;
            Assert.StartsWith("scrape run ran out of time (budget 3 s)", outcome.GetProperty("error").GetString());
            Assert.StartsWith("ran out of time (budget 3 s)", outcome.GetProperty("summary").GetProperty("interruption").GetString());
            Assert.Equal(0, outcome.GetProperty("summary").GetProperty("snapshotsWritten").GetInt32());
        }
        finally
        {
            _azurite.Thaw();
        }

        _target.Serve("/metrics", TargetResponse.Text("# TYPE fault_value gauge\nfault_value 3\n"));
        (status, body) = await app.TriggerScrapeAsync();
        Assert.True(status == 200, body);
        Assert.Equal("3", await ValueServedAsync(app));
    }
}

/// <summary>Storage fault tests run apart from the other collections, in parallel with them.</summary>
[CollectionDefinition(Name)]
public sealed class StorageFaultCollection
{
    public const string Name = "StorageFaults";
}
