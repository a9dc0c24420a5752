using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// TargetsFixture: one scrape config with a healthy target, a down target (a refused port), a target dropped by
/// relabeling and a second job with static labels and params, scraped by the real Prometheus 2.42 and by the app
/// (one run, <c>POST /-/scrape</c>), so their targets APIs can be compared and the page shown in a browser.
/// </summary>
public sealed class TargetsFixture : IAsyncLifetime
{
    public AzuriteServer Azurite { get; private set; } = null!;
    public TargetServer Targets { get; private set; } = null!;
    public PrometheusServer Prometheus { get; private set; } = null!;
    public AppHost App { get; private set; } = null!;
    public int RefusedPort { get; private set; }

    // Both sides' health of the healthy target is compared: each scrape may take its whole interval, so a loaded
    // machine slow to answer one does not turn it down on one side only.
    public static string Config(string target, int refusedPort) => $$"""
        global:
          scrape_interval: 5s
          scrape_timeout: 5s
        scrape_configs:
          - job_name: mixed
            static_configs:
              - targets: ['{{target}}', '127.0.0.1:{{refusedPort}}', 'drop-me.invalid:9100']
            relabel_configs:
              - source_labels: [__address__]
                regex: 'drop-me\..*'
                action: drop
          - job_name: node
            scrape_interval: 6s
            metrics_path: /node
            params:
              format: ['text']
            static_configs:
              - targets: ['{{target}}']
                labels:
                  env: "<test & \"quoted\">"
        """;

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        Targets = await TargetServer.StartAsync();
        Targets.Serve("/metrics", "# TYPE demo_up gauge\ndemo_up 1\n");
        Targets.Serve("/node", "# TYPE node_load1 gauge\nnode_load1 0.5\n");
        RefusedPort = FreePort.Next();
        var config = Config(Targets.HostPort, RefusedPort);
        Prometheus = await PrometheusServer.StartAsync(config);
        App = await AppHost.StartAsync(config, Azurite.ConnectionString,
            new Dictionary<string, string> { ["Federation__SnapshotTable"] = "targetsapi", ["Federation__SnapshotContainer"] = "targetsapi" });
        var (status, body) = await App.TriggerScrapeAsync();
        if (status != 200) throw new InvalidOperationException($"scrape run answered {status}: {body}");
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Prometheus.DisposeAsync();
        await Targets.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class TargetsCollection : ICollectionFixture<TargetsFixture>
{
    public const string Name = "Targets";
}
