using System.Globalization;
using System.Net;
using Azure.Storage.Blobs;
using FedFunctions.Core.Configuration;
using FedFunctions.Functions.Configuration;
using FedFunctions.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace FedFunctions.Functions.Tests;

/// <summary>Real Azurite and a real target server for the reload tests; each test runs an app with tables of its own.</summary>
public sealed class ConfigReloadFixture : IAsyncLifetime
{
    public AzuriteServer Azurite { get; private set; } = null!;
    public TargetServer Targets { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        Targets = await TargetServer.StartAsync();
        foreach (var job in new[] { "alpha", "beta", "gamma" })
            Targets.Serve("/" + job, $"# TYPE {job}_value gauge\n{job}_value 1\n");
    }

    public async Task DisposeAsync()
    {
        await Targets.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

/// <summary>
/// Live reload of the scrape configuration from a file and from a blob on Azurite: a changed configuration
/// applies at the next scrape run (its jobs scraped and federated), a bad one is refused while the last good
/// one keeps running, and <c>/metrics</c> and <c>POST /-/reload</c> say so.
/// </summary>
public sealed class ConfigReloadTests(ConfigReloadFixture fixture) : IClassFixture<ConfigReloadFixture>
{
    // An hour between scrapes: a job is scraped by the first run that knows it, and then not again in a test.
    private string Config(params string[] jobs) => "scrape_configs:\n" + string.Concat(jobs.Select(job => $"""
          - job_name: {job}
            scrape_interval: 1h
            scrape_timeout: 10s
            metrics_path: /{job}
            static_configs:
              - targets: ['{fixture.Targets.HostPort}']

        """));

    // The key is misspelt on line 4: a configuration Prometheus refuses too.
    private const string BrokenConfig = "scrape_configs:\n  - job_name: alpha\n    static_configs: []\n    scrape_intervall: 5s\n";

    private Task<AppHost> StartAsync(string yaml, string table, IDictionary<string, string>? settings = null)
    {
        var values = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["Federation__SnapshotTable"] = table,
            ["Federation__SnapshotContainer"] = table,
        };
        return AppHost.StartAsync(yaml, fixture.Azurite.ConnectionString, values);
    }

    [Fact]
    public async Task ARewrittenFileIsScrapedAndFederatedAtTheNextRunAndABrokenOneKeepsTheLastGood()
    {
        await using var app = await StartAsync(Config("alpha"), "reloadfile");
        Assert.Equal(200, (await app.TriggerScrapeAsync()).Status);
        Assert.Contains("alpha_value", await app.FederateTextAsync("{__name__=~\".+_value\"}"));
        var metrics = await MetricsAsync(app);
        Assert.Equal("1", metrics["fedfunctions_config_last_reload_successful"]);
        var loadedAt = double.Parse(metrics["fedfunctions_config_last_reload_success_timestamp_seconds"], CultureInfo.InvariantCulture);
        Assert.True(loadedAt > 1.7e9, $"start-up load time {loadedAt}");

        // A new job: the next run scrapes it, and /federate serves it (its job is known to the new configuration).
        await File.WriteAllTextAsync(app.ConfigPath, Config("alpha", "beta"));
        var betaScrapes = Scrapes("/beta");
        var (status, body) = await app.TriggerScrapeAsync();
        Assert.True(status == 200, body);
        Assert.True(Scrapes("/beta") > betaScrapes, "the new job was not scraped");
        Assert.Contains("beta_value{instance=", await app.FederateTextAsync("{job=\"beta\"}"));
        metrics = await MetricsAsync(app);
        Assert.Equal("1", metrics["fedfunctions_config_last_reload_successful"]);
        Assert.Equal("1", metrics["fedfunctions_config_reloads_total{outcome=\"success\"}"]);
        var reloadedAt = double.Parse(metrics["fedfunctions_config_last_reload_success_timestamp_seconds"], CultureInfo.InvariantCulture);
        Assert.True(reloadedAt >= loadedAt);

        // A broken configuration: refused, the run goes on with the last good one, the metric says 0.
        await File.WriteAllTextAsync(app.ConfigPath, BrokenConfig);
        (status, body) = await app.TriggerScrapeAsync();
        Assert.True(status == 200, body);
        Assert.Contains("beta_value{instance=", await app.FederateTextAsync("{job=\"beta\"}"));
        metrics = await MetricsAsync(app);
        Assert.Equal("0", metrics["fedfunctions_config_last_reload_successful"]);
        Assert.Equal("1", metrics["fedfunctions_config_reloads_total{outcome=\"invalid\"}"]);
        Assert.Equal(reloadedAt.ToString("R", CultureInfo.InvariantCulture),
            double.Parse(metrics["fedfunctions_config_last_reload_success_timestamp_seconds"], CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture));
        Assert.Equal(["alpha", "beta"], CurrentJobs(app));

        // Fixed: applied at the next run, the metric back to 1; the job that left is no longer served.
        await File.WriteAllTextAsync(app.ConfigPath, Config("alpha", "gamma"));
        Assert.Equal(200, (await app.TriggerScrapeAsync()).Status);
        metrics = await MetricsAsync(app);
        Assert.Equal("1", metrics["fedfunctions_config_last_reload_successful"]);
        Assert.Equal("2", metrics["fedfunctions_config_reloads_total{outcome=\"success\"}"]);
        Assert.Equal(["alpha", "gamma"], CurrentJobs(app));
        Assert.Contains("gamma_value{instance=", await app.FederateTextAsync("{job=\"gamma\"}"));
        Assert.DoesNotContain("beta_value", await app.FederateTextAsync("{__name__=~\".+_value\"}"));
    }

    [Fact]
    public async Task ReloadEndpointAnswersAsPrometheusDoes()
    {
        await using var app = await StartAsync(Config("alpha"), "reloadendpoint");
        using (var get = await app.Http.GetAsync("/-/reload"))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
            Assert.Equal("Only POST or PUT requests allowed\n", await get.Content.ReadAsStringAsync());
        }
        using (var unchanged = await app.Http.PostAsync("/-/reload", content: null))
        {
            Assert.Equal(HttpStatusCode.OK, unchanged.StatusCode);
            Assert.Equal("", await unchanged.Content.ReadAsStringAsync());
        }

        await File.WriteAllTextAsync(app.ConfigPath, BrokenConfig);
        using (var refused = await app.Http.PostAsync("/-/reload", content: null))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
            var message = await refused.Content.ReadAsStringAsync();
            Assert.StartsWith($"failed to reload config: {app.ConfigPath}:4: ", message);
            Assert.Contains("scrape_intervall", message);
        }
        Assert.Equal("0", (await MetricsAsync(app))["fedfunctions_config_last_reload_successful"]);
        Assert.Equal(["alpha"], CurrentJobs(app));

        await File.WriteAllTextAsync(app.ConfigPath, Config("alpha", "beta"));
        using (var put = await app.Http.PutAsync("/-/reload", content: null))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("1", (await MetricsAsync(app))["fedfunctions_config_last_reload_successful"]);
        Assert.Equal(["alpha", "beta"], CurrentJobs(app));
    }

    [Fact]
    public async Task ABlobOverwrittenWithAChangedConfigIsReloadedAndAnUnreadableOneKeepsTheLastGood()
    {
        var blob = await UploadAsync("reloadblob", "prometheus.yml", Config("alpha"));
        await using var app = await StartAsync("# unused: the blob is the configuration\n", "reloadblob",
            new Dictionary<string, string> { ["Federation__ConfigPath"] = blob.Uri.AbsoluteUri });
        var first = await app.TriggerScrapeAsync();
        Assert.True(first.Status == 200, first.Body);
        Assert.Contains("alpha_value", await app.FederateTextAsync("{job=\"alpha\"}"));

        await blob.UploadAsync(BinaryData.FromString(Config("alpha", "beta")), overwrite: true);
        Assert.Equal(200, (await app.TriggerScrapeAsync()).Status);
        Assert.Contains("beta_value{instance=", await app.FederateTextAsync("{job=\"beta\"}"));
        var metrics = await MetricsAsync(app);
        Assert.Equal("1", metrics["fedfunctions_config_last_reload_successful"]);
        Assert.Equal("1", metrics["fedfunctions_config_reloads_total{outcome=\"success\"}"]);

        // The same text uploaded again: a new ETag, but nothing to reload.
        await blob.UploadAsync(BinaryData.FromString(Config("alpha", "beta")), overwrite: true);
        using (var same = await app.Http.PostAsync("/-/reload", content: null))
            Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal("1", (await MetricsAsync(app))["fedfunctions_config_reloads_total{outcome=\"success\"}"]);

        // A broken one is refused with the blob's URL and line.
        await blob.UploadAsync(BinaryData.FromString(BrokenConfig), overwrite: true);
        using (var refused = await app.Http.PostAsync("/-/reload", content: null))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
            Assert.StartsWith($"failed to reload config: {blob.Uri.AbsoluteUri}:4: ", await refused.Content.ReadAsStringAsync());
        }

        // Gone: the run goes on with the last good configuration, the failure is counted.
        await blob.DeleteAsync();
        var (status, body) = await app.TriggerScrapeAsync();
        Assert.True(status == 200, body);
        metrics = await MetricsAsync(app);
        Assert.Equal("0", metrics["fedfunctions_config_last_reload_successful"]);
        Assert.Equal("1", metrics["fedfunctions_config_reloads_total{outcome=\"unreadable\"}"]);
        using (var unreadable = await app.Http.PostAsync("/-/reload", content: null))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, unreadable.StatusCode);
            Assert.Equal($"failed to reload config: {blob.Uri.AbsoluteUri}: cannot read configuration blob: HTTP 404 (BlobNotFound)\n", await unreadable.Content.ReadAsStringAsync());
        }
        Assert.Equal(["alpha", "beta"], CurrentJobs(app));
        Assert.Contains("beta_value{instance=", await app.FederateTextAsync("{job=\"beta\"}"));

        // Back with the running text: nothing to reload, the metric is 1 again.
        await blob.UploadAsync(BinaryData.FromString(Config("alpha", "beta")), overwrite: true);
        Assert.Equal(200, (await app.TriggerScrapeAsync()).Status);
        Assert.Equal("1", (await MetricsAsync(app))["fedfunctions_config_last_reload_successful"]);
    }

    [Fact]
    public async Task RelativeFilesInABlobConfigResolveAgainstTheConfigDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("fedfn-configdir-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "token.txt"), "from-the-config-directory\n");
            fixture.Targets.Serve("/secured", "# TYPE secured_value gauge\nsecured_value 1\n");
            var blob = await UploadAsync("configdir", "prometheus.yml", $"""
                scrape_configs:
                  - job_name: secured
                    metrics_path: /secured
                    bearer_token_file: token.txt
                    static_configs:
                      - targets: ['{fixture.Targets.HostPort}']
                """);
            await using var app = await StartAsync("# unused\n", "configdir", new Dictionary<string, string>
            {
                ["Federation__ConfigPath"] = blob.Uri.AbsoluteUri,
                ["Federation__ConfigDirectory"] = directory,
            });
            Assert.Equal(200, (await app.TriggerScrapeAsync()).Status);
            Assert.Contains(fixture.Targets.Requests, r => r.Path == "/secured" && r.Headers.GetValueOrDefault("Authorization") == "Bearer from-the-config-directory");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task ABlobThatCannotBeReadAtStartStopsTheStartNamingIt()
    {
        var container = new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient("config");
        await container.CreateIfNotExistsAsync();
        var missing = container.GetBlobClient("missing.yml").Uri.AbsoluteUri;
        var error = await Assert.ThrowsAsync<ConfigException>(() => StartAsync("# unused\n", "blobmissing",
            new Dictionary<string, string> { ["Federation__ConfigPath"] = missing }));
        Assert.Equal($"{missing}: cannot read configuration blob: HTTP 404 (BlobNotFound)", error.Message);

        // A URL outside the storage account: refused before anything is read.
        error = await Assert.ThrowsAsync<ConfigException>(() => StartAsync("# unused\n", "bloboutside",
            new Dictionary<string, string> { ["Federation__ConfigPath"] = "https://elsewhere.blob.core.windows.net/config/prometheus.yml" }));
        Assert.Contains("is not a blob in the FederationStorage account", error.Message);

        // A SAS token is refused and never echoed.
        error = await Assert.ThrowsAsync<ConfigException>(() => StartAsync("# unused\n", "blobsas",
            new Dictionary<string, string> { ["Federation__ConfigPath"] = missing + "?sv=2024&sig=secret" }));
        Assert.Contains("Federation__ConfigPath", error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/config/prometheus.yml", true)]
    [InlineData("https://ACCT.blob.core.windows.net/config/dir/prometheus%20v2.yml", true)]
    [InlineData("https://other.blob.core.windows.net/config/prometheus.yml", false)]
    [InlineData("https://acct.blob.core.windows.net/prometheus.yml", false)]
    [InlineData("http://acct.blob.core.windows.net/config/prometheus.yml", false)]
    public void InAzureTheBlobMustBeInTheIdentityBasedAccount(string url, bool accepted)
    {
        // Identity-based access as in Azure: building the source sends nothing and needs no credential yet.
        var storage = Core.Storage.StorageConnection.WithIdentity(new Uri("https://acct.table.core.windows.net/"), new Uri("https://acct.blob.core.windows.net/"));
        if (accepted)
        {
            Assert.Equal(url, ConfigSource.Create(url, storage, Path.GetTempPath()).Name);
        }
        else
        {
            var error = Assert.Throws<ConfigException>(() => ConfigSource.Create(url, storage, Path.GetTempPath()));
            Assert.Equal($"setting Federation__ConfigPath: \"{url}\" is not a blob in the FederationStorage account, whose blob endpoint is " +
                         "https://acct.blob.core.windows.net/: the configuration is read with the snapshot storage's credentials, so it must be https://acct.blob.core.windows.net/CONTAINER/BLOB", error.Message);
        }
    }

    private async Task<BlobClient> UploadAsync(string test, string name, string yaml)
    {
        var container = new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient("config");
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient($"{test}/{name}");
        await blob.UploadAsync(BinaryData.FromString(yaml), overwrite: true);
        return blob;
    }

    private int Scrapes(string path) => fixture.Targets.Requests.Count(r => r.Path == path);

    private static string[] CurrentJobs(AppHost app) =>
        app.Services.GetRequiredService<ConfigReloader>().Current.Config.ScrapeConfigs.Select(j => j.JobName).ToArray();

    private static async Task<Dictionary<string, string>> MetricsAsync(AppHost app)
    {
        using var response = await app.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ExpositionText.Samples(await response.Content.ReadAsStringAsync());
    }
}
