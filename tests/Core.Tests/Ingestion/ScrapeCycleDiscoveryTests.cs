using Azure.Data.Tables;
using Azure.Storage.Blobs;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Discovery;
using FedFunctions.Core.Ingestion;
using FedFunctions.Core.Scraping;
using FedFunctions.Core.Snapshots;
using FedFunctions.Core.Storage;
using FedFunctions.Core.Tests.Discovery;
using FedFunctions.Core.Tests.Storage;
using FedFunctions.TestSupport;

namespace FedFunctions.Core.Tests.Ingestion;

/// <summary>Scrape cycles whose targets come from file discovery, on real parts: files, HTTP targets on 127.0.0.1 and Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ScrapeCycleDiscoveryTests(AzuriteServer azurite) : IAsyncLifetime
{
    private readonly SnapshotStoreOptions _options = new() { TableName = "sdcycle" + Guid.NewGuid().ToString("N"), ContainerName = "sdcycle" + Guid.NewGuid().ToString("N") };
    private readonly SdFolder _folder = new();
    private readonly RecordingDiscoveryObserver _observer = new();
    private TargetServer _targets = null!;

    public async Task InitializeAsync()
    {
        _targets = await TargetServer.StartAsync(3);
        _targets.Serve("/metrics", TargetResponse.Text("requests_total 7\n"));
    }

    public async Task DisposeAsync()
    {
        await _targets.DisposeAsync();
        _folder.Dispose();
        await new TableServiceClient(azurite.ConnectionString).DeleteTableAsync(_options.TableName);
        await new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_options.ContainerName).DeleteIfExistsAsync();
    }

    private SnapshotStore NewStore() => new(new TableServiceClient(azurite.ConnectionString), new BlobServiceClient(azurite.ConnectionString), _options);

    private FederationConfig Config(string jobKeys = "", string moreRelabeling = "") => FederationConfig.Parse($"""
        scrape_configs:
          - job_name: app
            scrape_interval: 1s
            scrape_timeout: 1s
            file_sd_configs:
              - files: ['{_folder.File("*.json")}']
        {jobKeys}
            relabel_configs:
              - source_labels: [__meta_filepath]
                regex: '.*/(.*)\.json'
                target_label: file
        {moreRelabeling}
        """);

    private void WriteTargets(string name, params string[] targets) =>
        _folder.Write(name, $"[{{\"targets\": [{string.Join(", ", targets.Select(t => $"\"{t}\""))}]}}]");

    private static async Task<string[]> StoredInstancesAsync(SnapshotStore store) =>
        [.. (await store.ReadAsync("app")).Select(r => SnapshotCodec.Decode(r.Payload.Span).TargetLabels.Get("instance")).Order(StringComparer.Ordinal)];

    private static string[] Sorted(params string[] instances) => [.. instances.Order(StringComparer.Ordinal)];

    [Fact]
    public async Task DiscoveredTargetsAreScrapedAndThoseThatLeaveAreDeleted()
    {
        var store = NewStore();
        using var discovery = new TargetDiscovery(_observer);
        var config = Config();
        WriteTargets("a.json", _targets.HostPorts[0], _targets.HostPorts[1]);
        using var cycle = new ScrapeCycle(config, new Scraper(Scraper.CreateHttpClient()), store, discovery: discovery);

        var first = await cycle.RunAsync();
        Assert.True(first.Succeeded, first.ToString());
        Assert.Equal(2, first.SnapshotsWritten);
        Assert.Equal(2, first.ActiveTargets.Count);
        Assert.All(first.ActiveTargets, t => Assert.Equal("a", t.Labels.Get("file")));
        Assert.Equal(Sorted(_targets.HostPorts[0], _targets.HostPorts[1]), await StoredInstancesAsync(store));

        // One target moves to another file, one leaves.
        File.Delete(_folder.File("a.json"));
        WriteTargets("b.json", _targets.HostPorts[1], _targets.HostPorts[2]);
        var second = await cycle.RunAsync();
        Assert.True(second.Succeeded, second.ToString());
        Assert.Equal(2, second.TargetsDeleted); // the target that left, and the one whose labels changed (file="b")
        Assert.Equal(Sorted(_targets.HostPorts[1], _targets.HostPorts[2]), await StoredInstancesAsync(store));
        Assert.Empty(_observer.Drain());
    }

    [Fact]
    public async Task OverTheTargetLimitEveryTargetIsStoredDownWithoutARequest()
    {
        var store = NewStore();
        using var discovery = new TargetDiscovery(_observer);
        WriteTargets("a.json", _targets.HostPorts[0], _targets.HostPorts[1]);
        using var cycle = new ScrapeCycle(Config("    target_limit: 1"), new Scraper(Scraper.CreateHttpClient()), store, discovery: discovery);

        var result = await cycle.RunAsync();
        Assert.Equal(2, result.TargetsFailed);
        Assert.All(result.ScrapeErrors, e => Assert.EndsWith(": target_limit exceeded (number of targets: 2, limit: 1)", e, StringComparison.Ordinal));
        Assert.Empty(_targets.Requests);
        var records = await store.ReadAsync("app");
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.False(r.Up));
        var snapshot = SnapshotCodec.Decode(records[0].Payload.Span);
        Assert.Equal(0, snapshot.Samples.Single(s => s.Labels.MetricName == "up").Value);
        Assert.Equal(["limit app 2/1"], _observer.Drain());

        // Back under the limit: scraped again.
        WriteTargets("a.json", _targets.HostPorts[0]);
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        var recovered = await cycle.RunAsync();
        Assert.Equal(0, recovered.TargetsFailed);
        Assert.True(Assert.Single(await store.ReadAsync("app")).Up);
    }

    [Fact]
    public async Task AFreshInstanceWhoseSdFileIsBrokenKeepsWhatIsStored()
    {
        var store = NewStore();
        WriteTargets("a.json", _targets.HostPorts[0], _targets.HostPorts[1]);
        using (var discovery = new TargetDiscovery(_observer))
        using (var cycle = new ScrapeCycle(Config(), new Scraper(Scraper.CreateHttpClient()), store, discovery: discovery))
            await cycle.RunAsync();

        // A new process (new discovery state) finds the file broken: it cannot know the targets, so it deletes nothing.
        _folder.Write("a.json", "[{\"targets\": [");
        using var fresh = new TargetDiscovery(_observer);
        using var freshCycle = new ScrapeCycle(Config(), new Scraper(Scraper.CreateHttpClient()), store, discovery: fresh);
        var blind = await freshCycle.RunAsync();
        Assert.Equal(0, blind.TargetsDeleted);
        Assert.Empty(blind.ActiveTargets);
        Assert.Equal(2, (await store.ReadAsync("app")).Count);
        Assert.Contains("invalid JSON", Assert.Single(_observer.Drain()), StringComparison.Ordinal);

        WriteTargets("a.json", _targets.HostPorts[0]);
        var known = await freshCycle.RunAsync();
        Assert.Equal(1, known.TargetsDeleted);
        Assert.Equal([_targets.HostPorts[0]], await StoredInstancesAsync(store));
    }

    [Fact]
    public async Task KeepDroppedTargetsBoundsTheDroppedListButNotItsCount()
    {
        WriteTargets("a.json", "drop:1", "drop:2", "drop:3", _targets.HostPorts[0]);
        using var discovery = new TargetDiscovery(_observer);
        var config = Config("    keep_dropped_targets: 2", "      - source_labels: [__address__]\n        regex: 'drop:.*'\n        action: drop");
        using var cycle = new ScrapeCycle(config,
            new Scraper(Scraper.CreateHttpClient()), NewStore(), discovery: discovery);
        var result = await cycle.RunAsync();

        Assert.Single(result.ActiveTargets);
        Assert.Equal(["drop:1", "drop:2"], result.DroppedTargets.Select(d => d.DiscoveredLabels.Get("__address__")));
        Assert.Equal(3, result.DroppedTargetCounts["app"]);
    }
}
