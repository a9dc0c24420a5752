using System.Text;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;
using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// Prometheus 3 names end to end: a target exposing UTF-8 names in text 1.0.0 is scraped and stored as is;
/// /federate writes them as each client's Accept header asks (allow-utf-8 quoted, otherwise escaped), and
/// a real Prometheus 2.42 federating us, by text or protobuf, gets only names it can take.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class Utf8NamesEndToEndTests(EndToEndFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // How a Prometheus 3 client library with UTF-8 names exposes text 1.0.0.
    private const string Text100 = "text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8";

    private const string Body = """
        # HELP "http.server.request.duration" Duration of HTTP server requests.
        # TYPE "http.server.request.duration" gauge
        {"http.server.request.duration","http.route"="/a"} 1.5
        {"http.server.request.duration", "http.route"="/b"} 2.5
        # TYPE process_cpu_seconds_total counter
        process_cpu_seconds_total{"service.name"="api"} 3
        # TYPE "花火" gauge
        {"花火"} 7

        """;

    private const string Selector = "{job=\"otel\"}";

    private const string TextType = "text/plain; version=0.0.4; charset=utf-8";
    private const string ProtobufType = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    /// <summary>Prometheus 3's default scrape Accept header (scrape/scrape.go acceptHeader, v3.4+).</summary>
    private const string Prometheus3Accept =
        "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    private static async Task<(AppHost App, TargetServer Target)> StartAsync(EndToEndFixture fixture, string table)
    {
        var target = await TargetServer.StartAsync();
        target.Serve("/metrics", new TargetResponse(Encoding.UTF8.GetBytes(Body), Text100));
        var config = $$"""
            global:
              scrape_interval: 15s
              external_labels:
                k8s.cluster: eu
            scrape_configs:
              - job_name: otel
                static_configs:
                  - targets: ['{{target.HostPort}}']
            """;
        var app = await AppHost.StartAsync(config, fixture.Azurite.ConnectionString, new Dictionary<string, string>
        {
            // A table of its own, so this app does not delete the shared fixture's targets.
            ["Federation__SnapshotTable"] = table,
            ["Federation__SnapshotContainer"] = table,
        });
        var (status, log) = await app.TriggerScrapeAsync();
        Assert.True(status == 200, log);
        using (var summary = System.Text.Json.JsonDocument.Parse(log))
        {
            Assert.Equal(1, summary.RootElement.GetProperty("targetsScraped").GetInt32());
            Assert.Equal(0, summary.RootElement.GetProperty("targetsDown").GetInt32());
        }
        return (app, target);
    }

    private static async Task<(string ContentType, string Body)> FederateAsync(AppHost app, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/federate?match[]=" + Uri.EscapeDataString(Selector));
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await app.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"federate answered {(int)response.StatusCode}: {body}");
        return (response.Content.Headers.ContentType!.ToString(), body);
    }

    /// <summary>The samples of a text answer, as "labels value" lines without timestamps, sorted.</summary>
    private static string[] Series(string body)
    {
        var document = ExpositionParser.Parse(Encoding.UTF8.GetBytes(body), ExpositionFormat.PrometheusText);
        return [.. document.Samples.Select(s => $"{s.Labels} {s.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}").Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task FederateWritesNamesAsEachClientAsksAndStoresThemAsReceived()
    {
        var (app, target) = await StartAsync(fixture, "utf8names");
        await using var _ = app;
        await using var __ = target;

        var instance = target.HostPort;
        // allow-utf-8: the names as the target wrote them, quoted only where needed.
        var (utf8Type, utf8Body) = await FederateAsync(app, "text/plain;version=0.0.4;escaping=allow-utf-8");
        Assert.Equal(TextType + "; escaping=allow-utf-8", utf8Type);
        Assert.Contains("# TYPE \"http.server.request.duration\" gauge\n", utf8Body, StringComparison.Ordinal);
        Assert.Contains($"{{\"http.server.request.duration\",\"http.route\"=\"/a\",instance=\"{instance}\",job=\"otel\",\"k8s.cluster\"=\"eu\"}} 1.5 ", utf8Body, StringComparison.Ordinal);
        Assert.Contains($"process_cpu_seconds_total{{instance=\"{instance}\",job=\"otel\",\"service.name\"=\"api\",\"k8s.cluster\"=\"eu\"}} 3 ", utf8Body, StringComparison.Ordinal);
        var stored = Series(utf8Body);
        Assert.Contains($"{{__name__=\"花火\", instance=\"{instance}\", job=\"otel\", \"k8s.cluster\"=\"eu\"}} 7", stored);

        // Prometheus 3's own default Accept header gets the same answer, which its parsers accept.
        var (v3Type, v3Body) = await FederateAsync(app, Prometheus3Accept);
        Assert.Equal(TextType + "; escaping=allow-utf-8", v3Type);
        Assert.Equal(stored, Series(v3Body));

        // No escaping asked (Prometheus 2.x, curl): underscores, and nothing quoted.
        var (plainType, plainBody) = await FederateAsync(app, null);
        Assert.Equal(TextType + "; escaping=underscores", plainType);
        Assert.DoesNotContain("\"http", plainBody, StringComparison.Ordinal);
        Assert.Contains("# TYPE http_server_request_duration gauge\n", plainBody, StringComparison.Ordinal);
        Assert.Contains($"http_server_request_duration{{http_route=\"/a\",instance=\"{instance}\",job=\"otel\",k8s_cluster=\"eu\"}} 1.5 ", plainBody, StringComparison.Ordinal);
        Assert.Contains($"process_cpu_seconds_total{{instance=\"{instance}\",job=\"otel\",service_name=\"api\",k8s_cluster=\"eu\"}} 3 ", plainBody, StringComparison.Ordinal);
        Assert.Contains($"__{{instance=\"{instance}\",job=\"otel\",k8s_cluster=\"eu\"}} 7 ", plainBody, StringComparison.Ordinal);

        // The reversible schemes give back the stored names: one stored snapshot serves every client
        // (dots reverses "." and "_" only: other characters come back as "__", as in prometheus/common).
        foreach (var scheme in new[] { NameEscapingScheme.Dots, NameEscapingScheme.Values })
        {
            var spelling = NameEscaping.Spelling(scheme);
            var (type, body) = await FederateAsync(app, "text/plain;version=0.0.4;escaping=" + spelling);
            Assert.Equal(TextType + "; escaping=" + spelling, type);
            Assert.DoesNotContain("{\"", body, StringComparison.Ordinal);
            var document = ExpositionParser.Parse(Encoding.UTF8.GetBytes(body), ExpositionFormat.PrometheusText);
            var unescaped = document.Samples
                .Select(s => $"{Labels.From(s.Labels.Select(l => new Label(l.Name == Label.MetricName ? l.Name : NameEscaping.Unescape(l.Name, scheme), l.Name == Label.MetricName ? NameEscaping.Unescape(l.Value, scheme) : l.Value)))} {s.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}")
                .Order(StringComparer.Ordinal);
            Assert.Equal(scheme == NameEscapingScheme.Dots ? stored.Select(l => l.Replace("花火", "__", StringComparison.Ordinal)).Order(StringComparer.Ordinal) : stored, unescaped);
        }

        // Protobuf carries the negotiated escaping too.
        using var protobufRequest = new HttpRequestMessage(HttpMethod.Get, "/federate?match[]=" + Uri.EscapeDataString(Selector));
        protobufRequest.Headers.TryAddWithoutValidation("Accept", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;escaping=values");
        using var protobuf = await app.Http.SendAsync(protobufRequest);
        Assert.Equal(ProtobufType + "; escaping=values", protobuf.Content.Headers.ContentType!.ToString());
        var bytes = await protobuf.Content.ReadAsByteArrayAsync();
        Assert.True(ContainsUtf8(bytes, "U__http_2e_server_2e_request_2e_duration"));
        Assert.False(ContainsUtf8(bytes, "http.server.request.duration"));
    }

    private static bool ContainsUtf8(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;

    [Fact]
    public async Task Prometheus242FederatingUsGetsLegacyNamesByTextAndByProtobuf()
    {
        var (app, target) = await StartAsync(fixture, "utf8interop");
        await using var _ = app;
        await using var __ = target;
        // Not 1 s: /federate keeps 0.5 s of the sent scrape timeout for itself, and a storage listing in the 0.5 s
        // left fails now and then on a loaded machine, which marks the federated series stale between the queries.
        var config = $$"""
            global:
              scrape_interval: 5s
              scrape_timeout: 5s
            scrape_configs:
              - job_name: fed-functions
                honor_labels: true
                metrics_path: /federate
                params:
                  'match[]': ['{{Selector}}']
                static_configs:
                  - targets: ['{{app.HostPort}}']
            """;
        await using var protobuf = await PrometheusServer.StartAsync(config, "--enable-feature=native-histograms");
        await using var text = await PrometheusServer.StartAsync(config);
        foreach (var server in new[] { protobuf, text })
        {
            // up 1: the whole answer parsed (a first scrape on a busy machine may time out, so wait for a good one).
            await Poll.UntilAsync(async () =>
            {
                var result = await server.QueryAsync("up{job=\"fed-functions\"} == 1");
                return result.GetArrayLength() > 0 ? "up" : null;
            }, Patience, "prometheus to scrape fed-functions with up 1");

            // Every series arrived, under its escaped name, with the original instance and job.
            var all = await Poll.UntilAsync(async () =>
            {
                var result = await server.QueryAsync("{job=\"otel\",__name__!~\"up|scrape_.*\"}");
                return result.GetArrayLength() >= 4 ? new[] { result } : null;
            }, Patience, "federated series in prometheus");
            var names = all[0].EnumerateArray()
                .Select(s => string.Join(",", s.GetProperty("metric").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}").Order(StringComparer.Ordinal)))
                .Order(StringComparer.Ordinal)
                .ToArray();
            var instance = $"instance={target.HostPort}";
            Assert.Equal(
            [
                $"__name__=__,{instance},job=otel,k8s_cluster=eu",
                $"__name__=http_server_request_duration,http_route=/a,{instance},job=otel,k8s_cluster=eu",
                $"__name__=http_server_request_duration,http_route=/b,{instance},job=otel,k8s_cluster=eu",
                $"__name__=process_cpu_seconds_total,{instance},job=otel,k8s_cluster=eu,service_name=api",
            ], names);
            var targetUp = await server.QueryAsync("up{job=\"otel\"}");
            Assert.Equal("1", targetUp[0].GetProperty("value")[1].GetString());
        }
    }
}
