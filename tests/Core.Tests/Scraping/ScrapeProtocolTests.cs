using FedFunctions.Core.Configuration;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;
using FedFunctions.Core.Scraping;
using FedFunctions.Core.Tests.Exposition.Protobuf;
using FedFunctions.TestSupport;
using ProtoFamily = FedFunctions.Core.Exposition.Protobuf.MetricFamily;
using ProtoType = FedFunctions.Core.Exposition.Protobuf.MetricType;

namespace FedFunctions.Core.Tests.Scraping;

/// <summary>Prometheus 3's scrape protocols: the Accept header, Content-Type strictness and fallback, protobuf scrapes.</summary>
public sealed class ScrapeProtocolTests : IAsyncLifetime
{
    private const string DefaultAccept =
        "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    private const string NativeAccept =
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1";

    private TargetServer _server = null!;

    public async Task InitializeAsync() => _server = await TargetServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static ScrapeJobConfig Job(string global, string job) =>
        FederationConfig.Parse($"global:\n  scrape_interval: 1m\n{global}scrape_configs:\n  - job_name: j\n{job}    static_configs:\n      - targets: ['127.0.0.1:1']\n").ScrapeConfigs.Single();

    [Theory]
    [InlineData("", "", DefaultAccept)]
    [InlineData("", "    scrape_native_histograms: true\n", NativeAccept)]
    [InlineData("  scrape_native_histograms: true\n", "", NativeAccept)]
    // A list set anywhere wins over the native-histogram default.
    [InlineData("  scrape_protocols: [PrometheusText0.0.4]\n", "    scrape_native_histograms: true\n", "text/plain;version=0.0.4;q=0.6,*/*;q=0.5")]
    [InlineData("  scrape_protocols: [PrometheusText0.0.4]\n", "    scrape_protocols: [PrometheusProto, OpenMetricsText1.0.0]\n",
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,*/*;q=0.4")]
    [InlineData("", "    metric_name_escaping_scheme: underscores\n    scrape_protocols: [PrometheusText1.0.0]\n", "text/plain;version=1.0.0;escaping=underscores;q=0.6,*/*;q=0.5")]
    public void AcceptHeader_IsBuiltAsPrometheus3(string global, string job, string expected)
    {
        var config = Job(global, job);
        Assert.Equal(expected, Scraper.AcceptHeaderFor(config.ScrapeProtocols, config.NameEscapingScheme));
    }

    [Theory]
    [InlineData("    scrape_protocols: []\n", "scrape_protocols cannot be empty")]
    [InlineData("    scrape_protocols: [PrometheusProto, prometheusproto]\n", "unknown scrape protocol prometheusproto")]
    [InlineData("    scrape_protocols: [PrometheusProto, PrometheusProto]\n", "duplicated protocol in scrape_protocols, got [PrometheusProto PrometheusProto]")]
    [InlineData("    fallback_scrape_protocol: Text\n", "invalid fallback_scrape_protocol for scrape config with job name \"j\": unknown scrape protocol Text, supported: [OpenMetricsText0.0.1 OpenMetricsText1.0.0 PrometheusProto PrometheusText0.0.4 PrometheusText1.0.0]")]
    [InlineData("    scrape_native_histograms: maybe\n", "scrape_native_histograms")]
    public void BadProtocolKeys_AreRefusedWithTheReason(string job, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => Job("", job));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void HistogramKeys_InheritFromGlobal()
    {
        var inherited = Job("  always_scrape_classic_histograms: true\n  convert_classic_histograms_to_nhcb: true\n", "");
        Assert.True(inherited.AlwaysScrapeClassicHistograms);
        Assert.True(inherited.ConvertClassicHistogramsToNhcb);
        Assert.False(inherited.ScrapeNativeHistograms);
        var own = Job("  always_scrape_classic_histograms: true\n", "    always_scrape_classic_histograms: false\n    fallback_scrape_protocol: PrometheusText0.0.4\n");
        Assert.False(own.AlwaysScrapeClassicHistograms);
        Assert.Equal(ScrapeProtocol.PrometheusText004, own.FallbackScrapeProtocol);
    }

    private ScrapeTarget Target(string jobYaml) =>
        FederationConfig.Parse($"scrape_configs:\n  - job_name: t\n{jobYaml}    static_configs:\n      - targets: ['{_server.HostPort}']\n").Targets().Single();

    private static Scraper NewScraper() => new(Scraper.CreateHttpClient());

    [Theory]
    [InlineData("", "", "non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for target")]
    [InlineData("", "application/json", "received unsupported Content-Type \"application/json\" and no fallback_scrape_protocol specified for target")]
    [InlineData("", "text", "cannot parse Content-Type \"text\" and no fallback_scrape_protocol for target")]
    [InlineData("    fallback_scrape_protocol: PrometheusText0.0.4\n", "", "")]
    [InlineData("    fallback_scrape_protocol: PrometheusText0.0.4\n", "application/json", "")]
    [InlineData("    fallback_scrape_protocol: PrometheusText0.0.4\n", "text", "")]
    [InlineData("", "TEXT/PLAIN; charset=utf-8", "")]
    public async Task ContentType_BlankOrUnknownFailsUnlessFallback(string jobYaml, string contentType, string expectedError)
    {
        _server.Route("/metrics", async context =>
        {
            // Written raw: Kestrel would not send an empty header set through ContentType.
            if (contentType.Length > 0) context.Response.Headers["Content-Type"] = contentType;
            await context.Response.Body.WriteAsync("a 1\n"u8.ToArray());
        });
        using var scraper = NewScraper();

        var snapshot = await scraper.ScrapeAsync(Target(jobYaml));

        Assert.Equal(expectedError, snapshot.Error);
        Assert.Equal(expectedError.Length == 0, snapshot.Up);
        if (snapshot.Up) Assert.Contains(snapshot.Samples, s => s.Labels.MetricName == "a" && s.Value == 1);
    }

    [Fact]
    public async Task ProtobufTarget_IsScrapedWithNativeHistogramsAndTheProtobufAccept()
    {
        var counter = new ProtoFamily { Name = "hits_total", Type = ProtoType.Counter };
        counter.Metric.Add(new FedFunctions.Core.Exposition.Protobuf.Metric { Counter = new FedFunctions.Core.Exposition.Protobuf.Counter { Value = 5 } });
        var histogram = new ProtoFamily { Name = "rt", Type = ProtoType.Histogram };
        histogram.Metric.Add(new FedFunctions.Core.Exposition.Protobuf.Metric { Histogram = ProtobufBodies.ExampleHistogram(withClassic: true) });
        _server.Serve("/metrics", ProtobufBodies.Delimited(counter, histogram),
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited");
        using var scraper = NewScraper();

        var snapshot = await scraper.ScrapeAsync(Target("    scrape_native_histograms: true\n"));

        Assert.True(snapshot.Up, snapshot.Error);
        Assert.Equal(NativeAccept, _server.Requests.Last().Headers["Accept"]);
        var native = Assert.Single(snapshot.Samples, s => s.IsHistogram);
        Assert.Equal(Labels.Of("__name__", "rt", "instance", _server.HostPort, "job", "t"), native.Labels);
        Assert.Equal(17UL, native.Histogram!.Count);
        Assert.Contains(snapshot.Samples, s => s.Labels.MetricName == "hits_total" && s.Value == 5);
        Assert.Equal(MetricType.Histogram, snapshot.Metadata.Single(m => m.Name == "rt").Type);
    }

    [Fact]
    public async Task MalformedProtobuf_FailsTheScrapeWithTheReason()
    {
        _server.Serve("/metrics", [0x05, 0x0A, 0x01], "application/vnd.google.protobuf");
        using var scraper = NewScraper();

        var snapshot = await scraper.ScrapeAsync(Target(""));

        Assert.False(snapshot.Up);
        Assert.StartsWith("protobuf: metric family 1", snapshot.Error);
    }
}
