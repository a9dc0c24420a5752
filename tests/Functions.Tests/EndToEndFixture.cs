using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// EndToEndFixture: real Azurite, a real HTTP target server on 127.0.0.1 serving the shared fixtures, a
/// failing path and a refused port, and the app configured to scrape them; one scrape is run up front.
/// </summary>
public sealed class EndToEndFixture : IAsyncLifetime
{
    public AzuriteServer Azurite { get; private set; } = null!;
    public TargetServer Targets { get; private set; } = null!;
    public AppHost App { get; private set; } = null!;
    public int RefusedPort { get; private set; }
    public string FirstScrapeBody { get; private set; } = "";
    public int FirstScrapeStatus { get; private set; }

    public static string Config(string targets, int refusedPort) => $$"""
        global:
          scrape_interval: 15s
          external_labels:
            federator: e2e
        scrape_configs:
          - job_name: node
            metrics_path: /node
            static_configs:
              - targets: ['{{targets}}']
                labels:
                  env: test
          - job_name: prometheus
            metrics_path: /prom
            static_configs:
              - targets: ['{{targets}}']
          - job_name: broken
            metrics_path: /broken
            scrape_timeout: 2s
            static_configs:
              - targets: ['{{targets}}', '127.0.0.1:{{refusedPort}}']
        """;

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        Targets = await TargetServer.StartAsync();
        Targets.Serve("/node", new TargetResponse(RepoPaths.Fixture("node_exporter-1.5.0.txt"), Gzip: true));
        Targets.Serve("/prom", new TargetResponse(RepoPaths.Fixture("prometheus-2.42-self.txt")));
        Targets.Serve("/broken", new TargetResponse("oops"u8.ToArray(), "text/plain", Status: 500));
        RefusedPort = FreePort.Next();
        App = await AppHost.StartAsync(Config(Targets.HostPort, RefusedPort), Azurite.ConnectionString);
        (FirstScrapeStatus, FirstScrapeBody) = await App.TriggerScrapeAsync();
    }

    /// <summary>Starts another app on the same targets with tables of its own, so its jobs are due at once.</summary>
    public Task<AppHost> StartOwnAppAsync(string table) =>
        AppHost.StartAsync(Config(Targets.HostPort, RefusedPort), Azurite.ConnectionString,
            new Dictionary<string, string> { ["Federation__SnapshotTable"] = table, ["Federation__SnapshotContainer"] = table });

    /// <summary>Starts another app on the same targets whose storage endpoints are a closed port.</summary>
    public Task<AppHost> StartAppWithStorageDownAsync()
    {
        var closed = FreePort.Next();
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteServer.AccountKey};" +
                         $"BlobEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;";
        return AppHost.StartAsync(Config(Targets.HostPort, RefusedPort), connection);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Targets.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<EndToEndFixture>
{
    public const string Name = "EndToEnd";
}
