using Azure.Data.Tables;
using Azure.Storage.Blobs;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Federation;
using FedFunctions.Core.Ingestion;
using FedFunctions.Core.Scraping;
using FedFunctions.Core.Selectors;
using FedFunctions.Core.Storage;
using FedFunctions.Core.Tests.Storage;
using FedFunctions.TestSupport;

namespace FedFunctions.Core.Tests.Ingestion;

/// <summary>One scrape cycle end to end on real parts: HTTP targets on 127.0.0.1 and Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ScrapeCycleTests(AzuriteServer azurite) : IAsyncLifetime
{
    private readonly SnapshotStoreOptions _options = new() { TableName = "cycle" + Guid.NewGuid().ToString("N"), ContainerName = "cycle" + Guid.NewGuid().ToString("N") };
    private TargetServer _targets = null!;

    public async Task InitializeAsync()
    {
        _targets = await TargetServer.StartAsync(2);
        _targets.Serve("/metrics", TargetResponse.Text("# TYPE requests_total counter\nrequests_total{code=\"200\"} 7\n"));
    }

    public async Task DisposeAsync()
    {
        await _targets.DisposeAsync();
        await new TableServiceClient(azurite.ConnectionString).DeleteTableAsync(_options.TableName);
        await new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_options.ContainerName).DeleteIfExistsAsync();
    }

    private SnapshotStore NewStore() => new(new TableServiceClient(azurite.ConnectionString), new BlobServiceClient(azurite.ConnectionString), _options);

    private static Scraper NewScraper() => new(Scraper.CreateHttpClient());

    private static FederationConfig Config(string interval, params string[] targets) => Config(interval, "1s", targets);

    private static FederationConfig Config(string interval, string timeout, string[] targets) => FederationConfig.Parse(
        $"scrape_configs:\n  - job_name: app\n    scrape_interval: {interval}\n    scrape_timeout: {timeout}\n    static_configs:\n      - targets: [{string.Join(", ", targets.Select(t => $"'{t}'"))}]\n");

    [Fact]
    public async Task WritesOneSnapshotPerTargetAndSkipsTargetsThatAreNotDue()
    {
        var store = NewStore();
        var cycle = new ScrapeCycle(Config("1m", _targets.HostPorts[0], _targets.HostPorts[1]), NewScraper(), store);

        var first = await cycle.RunAsync();
        Assert.True(first.Succeeded);
        Assert.Equal(2, first.TargetsScraped);
        Assert.Equal(2, first.SnapshotsWritten);
        Assert.Equal(2 * 6, first.SeriesWritten); // one scraped series and five synthetic ones each
        Assert.Equal(2, (await store.ListVersionsAsync("app")).Count);

        // A tick seconds later: the 1m interval has not passed, so nothing is scraped or written.
        var second = await new ScrapeCycle(Config("1m", _targets.HostPorts[0], _targets.HostPorts[1]), NewScraper(), NewStore()).RunAsync();
        Assert.Equal(0, second.TargetsScraped);
        Assert.Equal(2, second.TargetsNotDue);
        Assert.Equal(0, second.SnapshotsWritten);
    }

    [Fact]
    public async Task TargetsThatLeaveTheConfigAreDeletedAndNoLongerServed()
    {
        var store = NewStore();
        await new ScrapeCycle(Config("1s", _targets.HostPorts[0], _targets.HostPorts[1]), NewScraper(), store).RunAsync();
        var result = await new ScrapeCycle(Config("1s", _targets.HostPorts[0]), NewScraper(), store).RunAsync();

        Assert.Equal(1, result.TargetsDeleted);
        var versions = await store.ListVersionsAsync();
        Assert.Equal([SnapshotStore.KeyFor("app", FederationConfig.Parse($"scrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['{_targets.HostPorts[0]}']\n").Targets()[0].Labels)], versions.Select(v => v.Key));

        var federation = new FederationService(new SnapshotCache(store), Config("1s", _targets.HostPorts[0]), FederationQuery.DefaultLookback);
        var families = await federation.QueryAsync(SelectorParser.ParseMany(["requests_total"]));
        var sample = Assert.Single(Assert.Single(families).Samples);
        Assert.Equal(_targets.HostPorts[0], sample.Labels.Get("instance"));
    }

    [Fact]
    public async Task AFailingTargetIsStoredAsDownWithoutFailingTheCycle()
    {
        var refused = $"127.0.0.1:{FreePort.Next()}";
        var store = NewStore();
        // A timeout long enough that the good target never times out under load: only the refused one fails.
        var result = await new ScrapeCycle(Config("10s", "5s", [_targets.HostPorts[0], refused]), NewScraper(), store).RunAsync();

        Assert.True(result.Succeeded);
        Assert.Equal(1, result.TargetsFailed);
        Assert.Contains(result.ScrapeErrors, e => e.StartsWith($"app/{refused}: ", StringComparison.Ordinal));
        Assert.Equal(2, result.SnapshotsWritten);
        var down = (await store.ReadAsync("app")).Single(r => !r.Up);
        Assert.Contains(refused, down.TargetLabels);
    }

    [Fact]
    public async Task UnreachableStorageFailsTheCycleWithTheReason()
    {
        var closed = FreePort.Next();
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteServer.AccountKey};" +
                         $"BlobEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;";
        var store = SnapshotStore.Create(StorageConnection.FromConnectionString(connection), _options);
        var cycle = new ScrapeCycle(Config("1s", _targets.HostPorts[0]), NewScraper(), store);
        var ex = await Assert.ThrowsAsync<SnapshotStoreException>(() => cycle.RunAsync());
        Assert.StartsWith("storage unreachable: ", ex.Message);
    }

    [Fact]
    public async Task AStoppedRunWritesNothingAndCountsTheSkippedTargets()
    {
        // The targets answer after 5 s; the run is stopped while it waits for them.
        _targets.Serve("/slow", TargetResponse.Text("slow 1\n") with { Delay = TimeSpan.FromSeconds(5) });
        var config = FederationConfig.Parse(
            $"scrape_configs:\n  - job_name: app\n    scrape_interval: 1m\n    scrape_timeout: 10s\n    metrics_path: /slow\n    static_configs:\n      - targets: ['{_targets.HostPorts[0]}', '{_targets.HostPorts[1]}']\n");
        var store = NewStore();
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        var result = await new ScrapeCycle(config, NewScraper(), store).RunAsync(Timeout.InfiniteTimeSpan, stop.Token).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.False(result.Succeeded);
        // Under load the stop can come while the stored versions are still being listed: either way, stopped.
        Assert.StartsWith("stopped", result.Interruption);
        Assert.Equal(2, result.TargetsSkipped);
        Assert.Equal(0, result.SnapshotsWritten);
        Assert.Empty(await store.ListVersionsAsync());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ScrapeCycle(config, NewScraper(), store).RunAsync(stop.Token));
    }
}
