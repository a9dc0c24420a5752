using FedFunctions.TestSupport;
using Microsoft.AspNetCore.Http;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// The real Prometheus 2.42 and fed-functions run the same config with file discovery (JSON and YAML) and HTTP
/// discovery while targets are added and removed: after each change both <c>/federate</c> answers must carry the
/// same series with the same values (discovered labels, meta labels through relabeling, a job over its target_limit).
/// </summary>
[Collection(DiscoveryInteropCollection.Name)]
public sealed class DiscoveryInteropTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const string Selector = "{__name__=~\"sd_metric|up\"}";
    private readonly DirectoryInfo _sdFiles = Directory.CreateTempSubdirectory("fedfn-sd-interop-");
    private AzuriteServer _azurite = null!;
    private TargetServer _targets = null!;
    private TargetServer _sd = null!;
    private volatile string _httpGroups = "[]";
    private volatile string _limitedGroups = "[]";

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        _targets = await TargetServer.StartAsync(4);
        // Each target exposes its own port, so a value tells which target it came from.
        _targets.Route("/metrics", context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4";
            return context.Response.WriteAsync($"# TYPE sd_metric gauge\nsd_metric {context.Connection.LocalPort}\n");
        });
        _sd = await TargetServer.StartAsync();
        _sd.Route("/sd", context => Json(context, _httpGroups));
        _sd.Route("/limited", context => Json(context, _limitedGroups));
    }

    public async Task DisposeAsync()
    {
        await _sd.DisposeAsync();
        await _targets.DisposeAsync();
        await _azurite.DisposeAsync();
        _sdFiles.Delete(recursive: true);
    }

    private static Task Json(HttpContext context, string body)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    }

    private string Config() => $$"""
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
        scrape_configs:
          - job_name: files
            file_sd_configs:
              - files: ['{{_sdFiles.FullName}}/*.json', '{{_sdFiles.FullName}}/*.yml']
                refresh_interval: 1s
            relabel_configs:
              - source_labels: [__meta_filepath]
                regex: '.*/(.*)'
                target_label: sd_file
          - job_name: http
            http_sd_configs:
              - url: '{{_sd.BaseAddress}}/sd'
                refresh_interval: 1s
            relabel_configs:
              - source_labels: [__meta_url]
                target_label: sd_url
              - source_labels: [__address__]
                regex: '{{_targets.HostPorts[3].Replace(".", "\\.", StringComparison.Ordinal)}}'
                action: drop
          - job_name: limited
            target_limit: 1
            http_sd_configs:
              - url: '{{_sd.BaseAddress}}/limited'
                refresh_interval: 1s
        """;

    private void WriteFile(string name, string content)
    {
        var path = Path.Combine(_sdFiles.FullName, name);
        var temp = path + ".tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true); // atomic, as the Prometheus docs advise for file SD
    }

    private string Target(int i) => _targets.HostPorts[i];

    [Fact]
    public async Task PrometheusAndFedFunctionsDiscoverTheSameTargetsAsTheyComeAndGo()
    {
        WriteFile("a.json", $$$"""[{"targets": ["{{{Target(0)}}}", "{{{Target(1)}}}"], "labels": {"env": "json"}}]""");
        WriteFile("b.yml", $"- targets: ['{Target(2)}']\n  labels:\n    env: yaml\n");
        _httpGroups = $$$"""[{"targets": ["{{{Target(1)}}}", "{{{Target(3)}}}"], "labels": {"team": "blue"}}, {"targets": ["{{{Target(2)}}}"]}]""";
        _limitedGroups = $$$"""[{"targets": ["{{{Target(0)}}}", "{{{Target(1)}}}"]}]""";

        await using var prometheus = await PrometheusServer.StartAsync(Config());
        await using var app = await AppHost.StartAsync(Config(), _azurite.ConnectionString);

        var first = await AgreeAsync(app, prometheus, "first discovery");
        // files: 3 targets, http: 2 (one dropped by relabeling), limited: 2 down.
        Assert.Equal(7, first.Keys.Count(k => k.StartsWith("up{", StringComparison.Ordinal)));
        Assert.Equal("0", first[$"up{{instance=\"{Target(0)}\",job=\"limited\"}}"]);
        Assert.Equal(Port(2), first[$"sd_metric{{env=\"yaml\",instance=\"{Target(2)}\",job=\"files\",sd_file=\"b.yml\"}}"]);
        Assert.Equal(Port(1), first[$"sd_metric{{instance=\"{Target(1)}\",job=\"http\",sd_url=\"{_sd.BaseAddress}/sd\",team=\"blue\"}}"]);

        // Targets leave and arrive in both kinds of discovery; the limited job is back under its limit.
        File.Delete(Path.Combine(_sdFiles.FullName, "b.yml"));
        WriteFile("a.json", $$$"""[{"targets": ["{{{Target(1)}}}"], "labels": {"env": "json"}}, {"targets": ["{{{Target(3)}}}"]}]""");
        _httpGroups = $$$"""[{"targets": ["{{{Target(0)}}}"], "labels": {"team": "red"}}]""";
        _limitedGroups = $$$"""[{"targets": ["{{{Target(2)}}}"]}]""";

        var second = await AgreeAsync(app, prometheus, "targets added and removed");
        Assert.Equal(4, second.Keys.Count(k => k.StartsWith("up{", StringComparison.Ordinal)));
        Assert.Equal("1", second[$"up{{instance=\"{Target(2)}\",job=\"limited\"}}"]);
        Assert.Equal(Port(3), second[$"sd_metric{{instance=\"{Target(3)}\",job=\"files\",sd_file=\"a.json\"}}"]);
        Assert.DoesNotContain(second.Keys, k => k.Contains("b.yml", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SdFailuresAreCountedOnMetricsAndKeepTheLastGoodTargets()
    {
        WriteFile("a.json", $$$"""[{"targets": ["{{{Target(0)}}}"]}]""");
        _httpGroups = $$$"""[{"targets": ["{{{Target(1)}}}"]}]""";
        var config = Config().Replace("target_limit: 1", "target_limit: 0", StringComparison.Ordinal);
        await using var app = await AppHost.StartAsync(config, _azurite.ConnectionString, new Dictionary<string, string>
        {
            ["Federation__SnapshotTable"] = "sdfailures",
            ["Federation__SnapshotContainer"] = "sdfailures",
        });
        Assert.Equal(200, (await app.TriggerScrapeAsync()).Status);

        // The file breaks and the endpoint fails: both keep their targets, and each failure is counted.
        WriteFile("a.json", "[{\"targets\": [");
        _httpGroups = "not json";
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // refresh_interval 1s, so the endpoint is asked again
        var (status, body) = await app.TriggerScrapeAsync();
        Assert.Equal(200, status);
        Assert.Contains("\"targetsDeleted\":0", body, StringComparison.Ordinal);
        var up = ExpositionText.Samples(await app.FederateTextAsync("up")).Keys.Select(ExpositionText.Canonical).ToHashSet();
        Assert.Contains($"up{{instance=\"{Target(0)}\",job=\"files\",sd_file=\"a.json\"}}", up);
        Assert.Contains($"up{{instance=\"{Target(1)}\",job=\"http\",sd_url=\"{_sd.BaseAddress}/sd\"}}", up);

        var metrics = ExpositionText.Samples(await app.Http.GetStringAsync("/metrics"));
        Assert.Equal("1", metrics["fedfunctions_sd_file_read_errors_total"]);
        Assert.Equal("1", metrics["fedfunctions_sd_http_failures_total"]);
    }

    private string Port(int i) => new Uri("http://" + Target(i)).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Runs our scrape until both answers carry the same series and values (Prometheus needs a few seconds to
    // pick up discovery changes and mark vanished series stale); returns the agreed series.
    private static async Task<Dictionary<string, string>> AgreeAsync(AppHost app, PrometheusServer prometheus, string what)
    {
        var lastDiff = "";
        try
        {
            return await Poll.UntilAsync(async () =>
            {
                var (status, log) = await app.TriggerScrapeAsync();
                Assert.True(status == 200, log);
                var ours = Canonical(await app.FederateTextAsync(Selector));
                var theirs = Canonical(await prometheus.FederateAsync(Selector));
                var missing = theirs.Where(kv => !ours.TryGetValue(kv.Key, out var v) || v != kv.Value).Select(kv => $"prometheus {kv.Key} {kv.Value}");
                var extra = ours.Where(kv => !theirs.TryGetValue(kv.Key, out var v) || v != kv.Value).Select(kv => $"ours {kv.Key} {kv.Value}");
                lastDiff = string.Join("\n", missing.Concat(extra));
                return lastDiff.Length == 0 && ours.Count > 0 ? ours : null;
            }, Patience, what);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; last difference:\n{lastDiff}", ex);
        }
    }

    private static Dictionary<string, string> Canonical(string body) =>
        ExpositionText.Samples(body).ToDictionary(kv => ExpositionText.Canonical(kv.Key), kv => kv.Value, StringComparer.Ordinal);
}

/// <summary>The discovery interop test runs apart from the other collections, in parallel with them.</summary>
[CollectionDefinition(Name)]
public sealed class DiscoveryInteropCollection
{
    public const string Name = "DiscoveryInterop";
}
