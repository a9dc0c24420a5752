using System.Text.Json;
using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// A real Prometheus (Debian package, 2.42) on both sides of fed-functions: as the client that federates
/// from it, as the source it federates from (hierarchical federation), and as the oracle for parity.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PrometheusInteropTests(EndToEndFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // How often, and how patiently, the Prometheus servers here scrape. The queries and /federate answers compared
    // below read each server's latest scrape, and a failed scrape marks every series it had stale at once, so no
    // scrape may fail for want of time on a loaded machine. At 1 s one now and then does: /federate keeps 0.5 s of
    // the X-Prometheus-Scrape-Timeout-Seconds it is sent for itself, and a busy 2-core machine overruns the 0.5 s
    // left for its storage listing.
    private const string FederatingInterval = "5s";

    [Fact]
    public async Task PrometheusFederatesFromUsWithHonorLabelsAndKeepsOriginalLabels()
    {
        var config = $$"""
            global:
              scrape_interval: {{FederatingInterval}}
              scrape_timeout: {{FederatingInterval}}
            scrape_configs:
              - job_name: fed-functions
                honor_labels: true
                metrics_path: /federate
                params:
                  'match[]': ['{job="node"}', '{__name__="up"}']
                  code: ['ignored-function-key']
                static_configs:
                  - targets: ['{{fixture.App.HostPort}}']
            """;
        await using var prometheus = await PrometheusServer.StartAsync(config);
        var result = await Poll.UntilAsync(async () =>
        {
            var r = await prometheus.QueryAsync("node_cpu_seconds_total");
            return r.GetArrayLength() > 0 ? new[] { r } : null;
        }, Patience, "federated node_cpu_seconds_total in prometheus");

        var fixtureSamples = ExpositionText.Samples(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "node_exporter-1.5.0.txt")));
        var expectedCount = fixtureSamples.Keys.Count(k => k.StartsWith("node_cpu_seconds_total{", StringComparison.Ordinal));
        Assert.Equal(expectedCount, result[0].GetArrayLength());
        foreach (var series in result[0].EnumerateArray())
        {
            var metric = series.GetProperty("metric");
            // honor_labels: the original job/instance survive, the federation job does not replace them.
            Assert.Equal("node", metric.GetProperty("job").GetString());
            Assert.Equal(fixture.Targets.HostPort, metric.GetProperty("instance").GetString());
            Assert.Equal("test", metric.GetProperty("env").GetString());
            var key = $"node_cpu_seconds_total{{cpu=\"{metric.GetProperty("cpu").GetString()}\",mode=\"{metric.GetProperty("mode").GetString()}\"}}";
            Assert.Equal(double.Parse(fixtureSamples[key], System.Globalization.CultureInfo.InvariantCulture),
                double.Parse(series.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        }

        // The failing targets federate as up == 0 with their own labels.
        var down = await prometheus.QueryAsync("up{job=\"broken\"} == 0");
        Assert.Equal(2, down.GetArrayLength());
    }

    [Fact]
    public async Task APrometheusAskingForProtobufFederatesProtobufWithTheSameValuesAsText()
    {
        // With native histograms on, Prometheus 2.42 asks for protobuf first and gets it; a second one
        // without the flag gets text. Both must end up with the same series and values.
        const string selector = "{job=\"prometheus\",__name__=~\"go_gc_duration_seconds.*|prometheus_http_request_duration_seconds.*|go_goroutines\"}";
        string Config() => $$"""
            global:
              scrape_interval: {{FederatingInterval}}
              scrape_timeout: {{FederatingInterval}}
            scrape_configs:
              - job_name: fed-functions
                honor_labels: true
                metrics_path: /federate
                params:
                  'match[]': ['{{selector}}']
                static_configs:
                  - targets: ['{{fixture.App.HostPort}}']
            """;

        // What our app answers that scraper, asked directly.
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/federate?match[]=" + Uri.EscapeDataString(selector)))
        {
            request.Headers.TryAddWithoutValidation("Accept", FederateProtobufTests.NativeHistogramsAccept);
            using var response = await fixture.App.Http.SendAsync(request);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; escaping=underscores",
                response.Content.Headers.ContentType!.ToString());
        }

        await using var protobuf = await PrometheusServer.StartAsync(Config(), "--enable-feature=native-histograms");
        await using var text = await PrometheusServer.StartAsync(Config());
        foreach (var server in new[] { protobuf, text })
        {
            await Poll.UntilAsync(async () => (await server.QueryAsync("prometheus_http_request_duration_seconds_bucket")).GetArrayLength() > 0 ? "ok" : null,
                Patience, "federated histogram in prometheus");
            var up = await server.QueryAsync("up{job=\"fed-functions\"}");
            Assert.Equal("1", up[0].GetProperty("value")[1].GetString());
        }

        // fed-functions stores bounds as Prometheus 3 does (le="1.0"), so both scrapers see the same label value.
        Assert.Equal(1, (await protobuf.QueryAsync("prometheus_http_request_duration_seconds_bucket{handler=\"/metrics\",le=\"1.0\"}")).GetArrayLength());
        Assert.Equal(1, (await text.QueryAsync("prometheus_http_request_duration_seconds_bucket{handler=\"/metrics\",le=\"1.0\"}")).GetArrayLength());

        var fixtureSamples = ExpositionText.Samples(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "prometheus-2.42-self.txt")));
        foreach (var name in new[]
        {
            "go_gc_duration_seconds", "go_gc_duration_seconds_sum", "go_gc_duration_seconds_count",
            "prometheus_http_request_duration_seconds_bucket", "prometheus_http_request_duration_seconds_sum",
            "prometheus_http_request_duration_seconds_count", "go_goroutines",
        })
        {
            var viaProtobuf = await ValuesAsync(protobuf, name);
            var viaText = await ValuesAsync(text, name);
            var expected = fixtureSamples.Keys.Count(k => k == name || k.StartsWith(name + "{", StringComparison.Ordinal));
            Assert.True(expected > 0, name);
            Assert.Equal(expected, viaText.Count);
            Assert.Equal(viaText.Keys.Order(StringComparer.Ordinal), viaProtobuf.Keys.Order(StringComparer.Ordinal));
            foreach (var (series, value) in viaText) Assert.True(value == viaProtobuf[series], $"{series}: text {value}, protobuf {viaProtobuf[series]}");
        }
    }

    /// <summary>Each series of <paramref name="name"/> in <paramref name="server"/>, keyed by its labels with le/quantile read as numbers.</summary>
    private static async Task<Dictionary<string, double>> ValuesAsync(PrometheusServer server, string name)
    {
        var result = await server.QueryAsync(name);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var series in result.EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject()
                .Select(p => p.Name is "le" or "quantile"
                    ? $"{p.Name}={ParseFloat(p.Value.GetString()!).ToString(System.Globalization.CultureInfo.InvariantCulture)}"
                    : $"{p.Name}={p.Value.GetString()}")
                .Order(StringComparer.Ordinal);
            values.Add(string.Join(",", labels), ParseFloat(series.GetProperty("value")[1].GetString()!));
        }
        return values;

        static double ParseFloat(string text) => text switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    [Fact]
    public async Task HierarchicalFederationFromARealPrometheusWithTheDocumentationExample()
    {
        var sourceConfig = $$"""
            global:
              scrape_interval: {{FederatingInterval}}
              scrape_timeout: {{FederatingInterval}}
            scrape_configs:
              - job_name: prometheus
                metrics_path: /node
                static_configs:
                  - targets: ['{{fixture.Targets.HostPort}}']
            """;
        await using var source = await PrometheusServer.StartAsync(sourceConfig);
        await source.WaitForTargetsAsync(1, Patience);
        await Poll.UntilAsync(async () => (await source.QueryAsync("node_load1")).GetArrayLength() > 0 ? "ok" : null, Patience, "source scraped");

        // The example from the Prometheus federation documentation, pointed at the source server.
        var config = $$"""
            scrape_configs:
              - job_name: 'federate'
                scrape_interval: 15s
                honor_labels: true
                metrics_path: '/federate'
                params:
                  'match[]':
                    - '{job="prometheus"}'
                    - '{__name__=~"job:.*"}'
                static_configs:
                  - targets:
                    - '{{source.HostPort}}'
            """;
        await using var app = await AppHost.StartAsync(config, fixture.Azurite.ConnectionString, new Dictionary<string, string>
        {
            // A table of its own, so this app does not delete the shared fixture's targets.
            ["Federation__SnapshotTable"] = "hierarchical",
            ["Federation__SnapshotContainer"] = "hierarchical",
        });
        var (status, log) = await app.TriggerScrapeAsync();
        Assert.Equal(200, status);
        using (var summary = System.Text.Json.JsonDocument.Parse(log))
        {
            Assert.Equal(1, summary.RootElement.GetProperty("targetsScraped").GetInt32());
            Assert.Equal(0, summary.RootElement.GetProperty("targetsDown").GetInt32());
        }

        var body = await app.FederateTextAsync("{job=\"prometheus\"}");
        var samples = ExpositionText.Samples(body).ToDictionary(kv => ExpositionText.Canonical(kv.Key), kv => kv.Value);
        var fixtureSamples = ExpositionText.Samples(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "node_exporter-1.5.0.txt")));
        foreach (var (series, value) in fixtureSamples)
        {
            var labels = $"instance=\"{fixture.Targets.HostPort}\",job=\"prometheus\"";
            var brace = series.IndexOf('{');
            var expected = ExpositionText.Canonical(brace < 0 ? series + "{" + labels + "}" : series[..^1] + "," + labels + "}");
            Assert.True(samples.TryGetValue(expected, out var actual), "missing " + expected);
            Assert.Equal(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture), double.Parse(actual, System.Globalization.CultureInfo.InvariantCulture));
        }
        // The federate job's own up series is there too, with the federation target's labels.
        var up = ExpositionText.Samples(await app.FederateTextAsync("up{job=\"federate\"}"));
        Assert.Equal("1", up[$"up{{instance=\"{source.HostPort}\",job=\"federate\"}}"]);
    }

    [Fact]
    public async Task OurFederateMatchesPrometheusFederateForTheSameTargetsAndConfig()
    {
        var config = EndToEndFixture.Config(fixture.Targets.HostPort, fixture.RefusedPort).Replace("scrape_interval: 15s", "scrape_interval: " + FederatingInterval);
        await using var oracle = await PrometheusServer.StartAsync(config);
        await oracle.WaitForTargetsAsync(4, Patience);
        await Poll.UntilAsync(async () => (await oracle.QueryAsync("node_load1")).GetArrayLength() > 0 ? "ok" : null, Patience, "oracle scraped");

        const string everything = "{job=~\".+\"}";
        // Prometheus 2.42 keeps le/quantile as scraped; fed-functions normalises them as Prometheus 3 does.
        var theirs = Normalise(await oracle.FederateAsync(everything)).ToDictionary(kv => ExpositionText.WithFloatBounds(kv.Key), kv => kv.Value);
        var ours = Normalise(await fixture.App.FederateTextAsync(everything));

        Assert.Equal(theirs.Keys.Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
        foreach (var (series, value) in theirs)
        {
            // Timing series differ by nature; everything else must be the same value.
            if (series.StartsWith("scrape_duration_seconds", StringComparison.Ordinal) || series.StartsWith("scrape_series_added", StringComparison.Ordinal)) continue;
            Assert.True(value == ours[series], $"{series}: prometheus {value}, fed-functions {ours[series]}");
        }
    }

    private static Dictionary<string, string> Normalise(string body) =>
        ExpositionText.Samples(body).ToDictionary(kv => ExpositionText.Canonical(kv.Key), kv => kv.Value);
}
