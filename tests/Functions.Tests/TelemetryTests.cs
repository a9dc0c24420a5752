using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using FedFunctions.Functions.Hosting;
using FedFunctions.Functions.Monitoring;
using FedFunctions.TestSupport;
using Microsoft.AspNetCore.Http;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// The app's telemetry: its metrics are System.Diagnostics.Metrics instruments and its scrape runs and /federate
/// requests are spans, seen by an in-memory OpenTelemetry exporter; /metrics renders the same instruments; and with
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> pointing at a loopback ingestion endpoint, Azure Monitor's exporter
/// posts metrics, spans and logs there.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TelemetryTests(EndToEndFixture fixture)
{
    [Fact]
    public async Task AScrapeRunAndAFederateEmitMetricsAndSpansToAnInMemoryExporter()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        // Always on: the request's own activity (ASP.NET Core's, unsampled without its instrumentation) would otherwise decide.
        using var tracer = Sdk.CreateTracerProviderBuilder().AddSource(Tracing.SourceName).SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(spans).Build();
        using var meter = Sdk.CreateMeterProviderBuilder().AddMeter(AppMetrics.MeterName).AddInMemoryExporter(metrics).Build();

        await using var app = await fixture.StartOwnAppAsync("telemetry");
        var (status, body) = await app.TriggerScrapeAsync();
        Assert.Equal(200, status);
        long seriesWritten;
        using (var summary = System.Text.Json.JsonDocument.Parse(body)) seriesWritten = summary.RootElement.GetProperty("seriesWritten").GetInt64();
        await app.FederateTextAsync("up");
        tracer.ForceFlush();
        meter.ForceFlush();

        // Spans of this app: the run with its counts, the request with its status. Apps of tests running meanwhile in
        // other collections add theirs (the discovery interop test's runs also scrape 4 targets), so the run is the one
        // with this run's own series count.
        var run = Assert.Single(spans, s => s.DisplayName == "scrape run" && (string?)s.GetTagItem("fedfunctions.trigger") == "POST /-/scrape" &&
                                            (int?)s.GetTagItem("fedfunctions.targets_scraped") == 4 && s.GetTagItem("fedfunctions.series_written") is long written && written == seriesWritten);
        Assert.Equal(2, run.GetTagItem("fedfunctions.targets_failed"));
        Assert.Equal(ActivityStatusCode.Unset, run.Status);
        Assert.Contains(spans, s => s.DisplayName == "federate" && (int?)s.GetTagItem("http.response.status_code") == 200);

        var names = metrics.Select(m => m.Name).ToHashSet();
        foreach (var name in new[] { "fedfunctions_target_scrapes_total", "fedfunctions_scrape_cycles_total", "fedfunctions_scrape_cycle_duration_seconds", "fedfunctions_federate_requests_total", "fedfunctions_snapshot_cache_targets" })
            Assert.Contains(name, names);
        var scrapes = metrics.Where(m => m.Name == "fedfunctions_target_scrapes_total").ToList();
        var outcomes = new HashSet<string>();
        foreach (var metric in scrapes)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags) outcomes.Add($"{tag.Key}={tag.Value}");
            }
        }
        Assert.Contains("outcome=success", outcomes);
        Assert.Contains("outcome=failure", outcomes);
        var histogram = metrics.First(m => m.Name == "fedfunctions_scrape_cycle_duration_seconds");
        Assert.Equal(MetricType.Histogram, histogram.MetricType);
        Assert.Equal("s", histogram.Unit);
    }

    [Fact]
    public async Task MetricsEndpointRendersTheInstrumentsOfItsOwnApp()
    {
        await using var app = await fixture.StartOwnAppAsync("ownmetrics");
        var before = await app.Http.GetStringAsync("/metrics");
        // Counters without labels start at 0; labelled ones appear with their first value.
        Assert.Contains("fedfunctions_snapshots_written_total 0\n", before);
        Assert.DoesNotContain("fedfunctions_target_scrapes_total{", before);

        await app.TriggerScrapeAsync();
        var after = await app.Http.GetStringAsync("/metrics");
        Assert.Contains("fedfunctions_snapshots_written_total 4\n", after);
        Assert.Contains("fedfunctions_target_scrapes_total{outcome=\"success\"} 2\n", after);
        Assert.Contains("fedfunctions_target_scrapes_total{outcome=\"failure\"} 2\n", after);
        Assert.Contains("fedfunctions_scrape_cycles_total{outcome=\"success\"} 1\n", after);
        Assert.Contains("fedfunctions_target_scrape_duration_seconds_count 4\n", after);
        Assert.Contains("# TYPE fedfunctions_snapshot_cache_targets gauge\n", after);
        // Another app in the same process does not leak into this one's numbers.
        Assert.DoesNotContain("fedfunctions_snapshots_written_total 8", after);
        Assert.Empty(Promtool.CheckMetrics(after));
    }

    [Fact]
    public async Task WithAConnectionStringTheAzureMonitorExporterPostsToTheIngestionEndpoint()
    {
        // A loopback ingestion endpoint: Azure Monitor's exporter posts gzipped JSON lines to <endpoint>/v2.1/track.
        await using var ingestion = await TargetServer.StartAsync();
        var posts = new ConcurrentQueue<string>();
        ingestion.Route("/v2.1/track", async context =>
        {
            await using var body = context.Request.Headers.ContentEncoding == "gzip"
                ? new GZipStream(context.Request.Body, CompressionMode.Decompress)
                : context.Request.Body;
            posts.Enqueue(await new StreamReader(body, Encoding.UTF8).ReadToEndAsync());
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"itemsReceived\":1,\"itemsAccepted\":1,\"errors\":[]}");
        });
        var connection = $"InstrumentationKey=00000000-0000-0000-0000-000000000013;IngestionEndpoint={ingestion.BaseAddress}/;LiveEndpoint={ingestion.BaseAddress}/";

        var app = await AppHost.StartAsync(EndToEndFixture.Config(fixture.Targets.HostPort, fixture.RefusedPort), fixture.Azurite.ConnectionString,
            new Dictionary<string, string>
            {
                ["Federation__SnapshotTable"] = "appinsights",
                ["Federation__SnapshotContainer"] = "appinsights",
                [TelemetryExport.ConnectionStringSetting] = connection,
            });
        try
        {
            Assert.Equal(200, (await app.TriggerScrapeAsync()).Status);
            await app.FederateTextAsync("up");
        }
        finally
        {
            // Stopping flushes what is buffered (metrics are otherwise sent once a minute).
            await app.DisposeAsync();
        }

        var all = await Poll.UntilAsync(() =>
        {
            var text = string.Join("\n", posts);
            return Task.FromResult<string?>(text.Contains("\"scrape run\"", StringComparison.Ordinal) &&
                                            text.Contains("fedfunctions_scrape_cycles_total", StringComparison.Ordinal) &&
                                            text.Contains("MessageData", StringComparison.Ordinal) ? text : null);
        }, TimeSpan.FromSeconds(30), "spans, metrics and logs posted to the ingestion endpoint");
        Assert.Contains("00000000-0000-0000-0000-000000000013", all);
        Assert.Contains("\"federate\"", all);
        Assert.Contains("scraped 4 targets", all);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("Authorization=AAD", "ManagedIdentityCredential")]
    [InlineData("ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD", "ManagedIdentityCredential")]
    public void TheAuthenticationStringChoosesTheManagedIdentity(string? authentication, string? credential) =>
        Assert.Equal(credential, TelemetryExport.CredentialFor(authentication)?.GetType().Name);

    [Theory]
    [InlineData("Authorization=Key")]
    [InlineData("InstrumentationKey=abc;Authorization=AAD")]
    public void AnUnknownAuthenticationStringStopsTheAppWithItsName(string authentication)
    {
        var ex = Assert.Throws<Core.Configuration.ConfigException>(() => TelemetryExport.CredentialFor(authentication));
        Assert.StartsWith("APPLICATIONINSIGHTS_AUTHENTICATION_STRING: ", ex.Message);
    }
}
