using System.Text;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;
using FedFunctions.Core.Scraping;
using FedFunctions.TestSupport;

namespace FedFunctions.Core.Tests.Scraping;

public sealed partial class ScraperTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 14, 12, 0, 0, TimeSpan.Zero);
    private static readonly long NowMs = Now.ToUnixTimeMilliseconds();
    private static readonly HttpClient SharedClient = Scraper.CreateHttpClient();
    private static readonly string[] ReportNames =
        ["up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added"];

    private TargetServer _server = null!;

    public async Task InitializeAsync() => _server = await TargetServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static Scraper NewScraper(ScraperOptions? options = null)
    {
        options ??= new ScraperOptions();
        options.TimeProvider = new FixedTimeProvider(Now);
        return new Scraper(SharedClient, options);
    }

    private ScrapeTarget Target(string path = "/metrics", string jobYaml = "", string address = "", string job = "test") =>
        FederationConfig.Parse(
            $"scrape_configs:\n  - job_name: {job}\n    metrics_path: '{path}'\n{jobYaml}    static_configs:\n      - targets: ['{(address.Length > 0 ? address : _server.HostPort)}']\n")
            .Targets().Single();

    private static double Report(TargetSnapshot snapshot, string name) =>
        snapshot.Samples.Single(s => s.Labels.MetricName == name).Value;

    private static IEnumerable<Sample> Scraped(TargetSnapshot snapshot) =>
        snapshot.Samples.Where(s => !ReportNames.Contains(s.Labels.MetricName));

    public static TheoryData<string, bool> Fixtures => new()
    {
        { "node_exporter-1.5.0.txt", false },
        { "node_exporter-1.5.0.txt", true },
        { "prometheus-2.42-self.txt", false },
        { "prometheus-2.42-self.txt", true },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task ScrapesFixturePlainAndGzip(string fixture, bool gzip)
    {
        var body = FedFunctions.TestSupport.RepoPaths.Fixture(fixture);
        _server.Serve("/metrics", body, gzip: gzip);
        var expected = ExpositionParser.Parse(body, "text/plain; version=0.0.4");

        var snapshot = await NewScraper().ScrapeAsync(Target());

        Assert.True(snapshot.Up, snapshot.Error);
        Assert.Equal("", snapshot.Error);
        Assert.Equal(NowMs, snapshot.ScrapeTimestampMs);
        Assert.Equal(Labels.Of("instance", _server.HostPort, "job", "test"), snapshot.TargetLabels);
        Assert.Equal(expected.Samples.Count + ReportNames.Length, snapshot.Samples.Count);
        // The scraped metadata, then TYPE/HELP of the synthetic series.
        Assert.Equal(expected.Metadata, snapshot.Metadata.Take(expected.Metadata.Count));
        Assert.Equal(ReportNames, snapshot.Metadata.Skip(expected.Metadata.Count).Select(m => m.Name));
        var scraped = Scraped(snapshot).ToList();
        Assert.All(scraped, s =>
        {
            Assert.Equal("test", s.Labels.Get("job"));
            Assert.Equal(_server.HostPort, s.Labels.Get("instance"));
            Assert.Equal(NowMs, s.TimestampMs);
        });
        // Values come through unchanged, in body order.
        Assert.Equal(expected.Samples.Select(s => BitConverter.DoubleToInt64Bits(s.Value)), scraped.Select(s => BitConverter.DoubleToInt64Bits(s.Value)));
        Assert.Equal(1, Report(snapshot, "up"));
        Assert.Equal(expected.Samples.Count, Report(snapshot, "scrape_samples_scraped"));
        Assert.Equal(expected.Samples.Count, Report(snapshot, "scrape_samples_post_metric_relabeling"));
        Assert.Equal(expected.Samples.Count, Report(snapshot, "scrape_series_added"));
        Assert.All(snapshot.Samples.Where(s => ReportNames.Contains(s.Labels.MetricName)), s =>
        {
            Assert.Equal(NowMs, s.TimestampMs);
            Assert.Equal(snapshot.TargetLabels, s.Labels.ToBuilder().Set(Label.MetricName, "").Build());
        });
    }

    [Fact]
    public async Task ScrapeDurationCoversTheTargetsResponseTime()
    {
        // The target answers after 500 ms, so a scrape cannot honestly report much less (a lower bound, not a
        // timing; the margin covers timers that fire a tick early).
        _server.Serve("/metrics", Encoding.UTF8.GetBytes("a 1\n"), delay: TimeSpan.FromMilliseconds(500));

        var snapshot = await NewScraper().ScrapeAsync(Target("/metrics"));

        Assert.True(snapshot.Up, snapshot.Error);
        var duration = Report(snapshot, "scrape_duration_seconds");
        Assert.True(duration >= 0.4, $"scrape_duration_seconds {duration} is shorter than the target took to answer");
    }

    [Fact]
    public async Task GzipIsDecodedEvenWithoutAutomaticDecompression()
    {
        _server.Serve("/metrics", FedFunctions.TestSupport.RepoPaths.Fixture("node_exporter-1.5.0.txt"), gzip: true);
        using var plainClient = new HttpClient();
        var scraper = new Scraper(plainClient, new ScraperOptions { TimeProvider = new FixedTimeProvider(Now) });

        var snapshot = await scraper.ScrapeAsync(Target());

        Assert.True(snapshot.Up, snapshot.Error);
        Assert.Contains(snapshot.Samples, s => s.Labels.MetricName == "node_exporter_build_info");
    }

    public static TheoryData<int, string> FailingStatuses => new()
    {
        { 500, "server returned HTTP status 500 Internal Server Error" },
        { 404, "server returned HTTP status 404 Not Found" },
        { 503, "server returned HTTP status 503 Service Unavailable" },
    };

    [Theory]
    [MemberData(nameof(FailingStatuses))]
    public async Task NonSuccessStatusIsDownWithOnlyReportSeries(int status, string expected)
    {
        _server.Serve("/metrics", Encoding.UTF8.GetBytes("up_from_body 1\n"), status: status);

        var snapshot = await NewScraper().ScrapeAsync(Target());

        AssertDown(snapshot, expected);
    }

    [Fact]
    public async Task SlowTargetTimesOut()
    {
        _server.Serve("/metrics", Encoding.UTF8.GetBytes("m 1\n"), delay: TimeSpan.FromSeconds(20));
        var target = Target(jobYaml: "    scrape_interval: 1s\n    scrape_timeout: 300ms\n");

        var snapshot = await NewScraper().ScrapeAsync(target);

        AssertDown(snapshot, "context deadline exceeded (scrape_timeout 300ms)");
        Assert.StartsWith($"Get \"http://{_server.HostPort}/metrics\"", snapshot.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedConnectionIsDown()
    {
        var address = $"127.0.0.1:{FreePort.Next()}";

        var snapshot = await NewScraper().ScrapeAsync(Target(address: address));

        AssertDown(snapshot, $"Get \"http://{address}/metrics\": ");
        Assert.Contains("refused", snapshot.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("this is not { metrics\n", "text/plain; version=0.0.4", "line 1")]
    [InlineData("ok 1\nbad{a=b} 2\n", "text/plain", "line 2")]
    [InlineData("m 1\n", "application/openmetrics-text; version=1.0.0", "# EOF")]
    [InlineData("{\"json\": true}", "application/json", "unsupported Content-Type")]
    public async Task UnparsableBodyIsDownWithParserMessage(string body, string contentType, string expected)
    {
        _server.Serve("/metrics", body, contentType);

        var snapshot = await NewScraper().ScrapeAsync(Target());

        AssertDown(snapshot, expected);
    }

    [Fact]
    public async Task BodyOverLimitIsDown()
    {
        _server.Serve("/metrics", FedFunctions.TestSupport.RepoPaths.Fixture("node_exporter-1.5.0.txt"), gzip: true);

        var snapshot = await NewScraper(new ScraperOptions { BodySizeLimitBytes = 10_000 }).ScrapeAsync(Target());

        AssertDown(snapshot, "body size limit exceeded (limit: 10000 bytes)");
    }

    [Fact]
    public async Task OpenMetricsBodyKeepsTimestampsInMilliseconds()
    {
        _server.Serve("/metrics",
            "# TYPE requests counter\n# HELP requests Requests.\nrequests_total{path=\"/\"} 7 1700000000.5\nrequests_created{path=\"/\"} 1600000000\n# EOF\n",
            "application/openmetrics-text; version=1.0.0; charset=utf-8");

        var snapshot = await NewScraper().ScrapeAsync(Target());

        Assert.True(snapshot.Up, snapshot.Error);
        var sample = Scraped(snapshot).First(s => s.Labels.MetricName == "requests_total");
        Assert.Equal(7, sample.Value);
        Assert.Equal(1_700_000_000_500, sample.TimestampMs);
        Assert.Contains(snapshot.Metadata, m => m.Name == "requests" && m.Type == MetricType.Counter && m.Help == "Requests.");
    }

    [Fact]
    public async Task HonorTimestampsFalseUsesScrapeTime()
    {
        _server.Serve("/metrics", "a 1 1600000000000\nb 2\n");

        var honored = await NewScraper().ScrapeAsync(Target());
        var ignored = await NewScraper().ScrapeAsync(Target(jobYaml: "    honor_timestamps: false\n"));

        Assert.Equal([1_600_000_000_000, NowMs], Scraped(honored).Select(s => s.TimestampMs));
        Assert.Equal([NowMs, NowMs], Scraped(ignored).Select(s => s.TimestampMs));
    }

    private const string ConflictBody =
        "m{job=\"source\",instance=\"src:9090\",x=\"1\"} 1\n" +
        "m{x=\"2\"} 2\n" +
        "m{job=\"source\",exported_job=\"taken\",x=\"3\"} 3\n";

    [Fact]
    public async Task HonorLabelsTrueKeepsScrapedLabels()
    {
        _server.Serve("/federate", ConflictBody);

        var snapshot = await NewScraper().ScrapeAsync(Target("/federate", "    honor_labels: true\n"));

        Assert.Equal(
            [
                Labels.Of("__name__", "m", "instance", "src:9090", "job", "source", "x", "1"),
                Labels.Of("__name__", "m", "instance", _server.HostPort, "job", "test", "x", "2"),
                Labels.Of("__name__", "m", "exported_job", "taken", "instance", _server.HostPort, "job", "source", "x", "3"),
            ],
            Scraped(snapshot).Select(s => s.Labels));
    }

    [Fact]
    public async Task HonorLabelsTrueTreatsAFederatedEmptyInstanceAsNoInstance()
    {
        // What Prometheus' /federate writes for a recording rule without an instance (prometheus#2488).
        _server.Serve("/federate", "job:up:sum{job=\"source\",instance=\"\"} 3\n");

        var honored = await NewScraper().ScrapeAsync(Target("/federate", "    honor_labels: true\n"));
        Assert.Equal([Labels.Of("__name__", "job:up:sum", "job", "source")], Scraped(honored).Select(s => s.Labels));

        // Without honor_labels the empty value is no conflict: the target's instance is attached.
        var overwritten = await NewScraper().ScrapeAsync(Target("/federate"));
        Assert.Equal([Labels.Of("__name__", "job:up:sum", "exported_job", "source", "instance", _server.HostPort, "job", "test")], Scraped(overwritten).Select(s => s.Labels));
    }

    [Fact]
    public async Task ATargetsOwnUpSeriesYieldsToTheSyntheticOneAndReportSeriesHaveMetadata()
    {
        _server.Serve("/metrics", "# TYPE up counter\nup 5\nother 1\n");

        var snapshot = await NewScraper().ScrapeAsync(Target());

        var up = Assert.Single(snapshot.Samples, s => s.Labels.MetricName == "up");
        Assert.Equal(1, up.Value);
        var upMeta = Assert.Single(snapshot.Metadata, m => m.Name == "up");
        Assert.Equal(MetricType.Gauge, upMeta.Type);
        Assert.StartsWith("Health of the scrape target", upMeta.Help);
        Assert.Contains(snapshot.Metadata, m => m.Name == "scrape_series_added" && m.Help.Length > 0);
    }

    [Fact]
    public async Task HonorLabelsFalseMovesConflictsToExported()
    {
        _server.Serve("/federate", ConflictBody);

        var snapshot = await NewScraper().ScrapeAsync(Target("/federate"));

        Assert.Equal(
            [
                Labels.Of("__name__", "m", "exported_instance", "src:9090", "exported_job", "source", "instance", _server.HostPort, "job", "test", "x", "1"),
                Labels.Of("__name__", "m", "instance", _server.HostPort, "job", "test", "x", "2"),
                Labels.Of("__name__", "m", "exported_exported_job", "source", "exported_job", "taken", "instance", _server.HostPort, "job", "test", "x", "3"),
            ],
            Scraped(snapshot).Select(s => s.Labels));
    }

    [Fact]
    public async Task DuplicateSeriesAreDroppedAndCounted()
    {
        _server.Serve("/metrics", "a{x=\"1\"} 1\na{x=\"1\"} 2\nb 3\n");

        var snapshot = await NewScraper().ScrapeAsync(Target());

        Assert.True(snapshot.Up, snapshot.Error);
        Assert.Equal([1.0, 3.0], Scraped(snapshot).Select(s => s.Value));
        Assert.Equal(3, Report(snapshot, "scrape_samples_scraped"));
        Assert.Equal(2, Report(snapshot, "scrape_samples_post_metric_relabeling"));
    }

    [Fact]
    public async Task MetricRelabelConfigsDropAndRewrite()
    {
        _server.Serve("/metrics", "go_goroutines 10\nkeep_me{a=\"x\"} 1\n");
        var target = Target(jobYaml:
            "    metric_relabel_configs:\n      - source_labels: [__name__]\n        regex: 'go_.*'\n        action: drop\n" +
            "      - source_labels: [a]\n        target_label: b\n");

        var snapshot = await NewScraper().ScrapeAsync(target);

        var sample = Assert.Single(Scraped(snapshot));
        Assert.Equal(Labels.Of("__name__", "keep_me", "a", "x", "b", "x", "instance", _server.HostPort, "job", "test"), sample.Labels);
        Assert.Equal(2, Report(snapshot, "scrape_samples_scraped"));
        Assert.Equal(1, Report(snapshot, "scrape_samples_post_metric_relabeling"));
    }

    [Fact]
    public async Task SeriesAddedCountsSeriesNewSinceLastSuccessfulScrape()
    {
        var scraper = NewScraper();
        var target = Target();
        _server.Serve("/metrics", "a 1\nb 1\n");
        var first = await scraper.ScrapeAsync(target);
        var second = await scraper.ScrapeAsync(target);
        _server.Serve("/metrics", "x", "text/plain");
        var failed = await scraper.ScrapeAsync(target);
        _server.Serve("/metrics", "a 2\nc 1\nd 1\n");
        var third = await scraper.ScrapeAsync(target);

        Assert.Equal(2, Report(first, "scrape_series_added"));
        Assert.Equal(0, Report(second, "scrape_series_added"));
        Assert.Equal(0, Report(failed, "scrape_series_added"));
        Assert.Equal(2, Report(third, "scrape_series_added"));
    }

    [Fact]
    public async Task SendsPrometheusHeaders()
    {
        _server.Serve("/metrics", "a 1\n");

        await NewScraper().ScrapeAsync(Target(jobYaml: "    scrape_interval: 30s\n    scrape_timeout: 15s\n"));

        var request = Assert.Single(_server.Requests);
        Assert.Equal(Scraper.AcceptHeader, request.Headers["Accept"]);
        // Prometheus 3's default (scrape_test.go), the job's escaping (allow-utf-8) on the two 1.0.0 text clauses.
        Assert.Equal("application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2", request.Headers["Accept"]);
        Assert.Contains("gzip", request.Headers["Accept-Encoding"], StringComparison.Ordinal);
        Assert.Equal("15", request.Headers["X-Prometheus-Scrape-Timeout-Seconds"]);
        Assert.Equal("fed-functions/1.0", request.Headers["User-Agent"]);
    }

    [Theory]
    [InlineData("", "allow-utf-8")]
    [InlineData("    metric_name_escaping_scheme: underscores\n", "underscores")]
    [InlineData("    metric_name_validation_scheme: legacy\n", "underscores")]
    [InlineData("    metric_name_escaping_scheme: dots\n", "dots")]
    [InlineData("    metric_name_escaping_scheme: values\n", "values")]
    public async Task TheAcceptHeaderCarriesTheJobsEscapingOnTheTextOneClauses(string jobYaml, string escaping)
    {
        _server.Serve("/metrics", "a 1\n");

        await NewScraper().ScrapeAsync(Target(jobYaml: jobYaml));

        var request = Assert.Single(_server.Requests);
        Assert.Equal(
            $"application/openmetrics-text;version=1.0.0;escaping={escaping};q=0.6,application/openmetrics-text;version=0.0.1;q=0.5," +
            $"text/plain;version=1.0.0;escaping={escaping};q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2",
            request.Headers["Accept"]);
    }

    [Fact]
    public async Task Utf8NamesAreStoredAsReceived()
    {
        // Text 1.0.0 with quoted names: names are kept unescaped whatever the job's escaping asks for.
        _server.Serve("/metrics", "# TYPE \"a.b\" gauge\n{\"a.b\",\"c.d\"=\"e\"} 1\n");

        var snapshot = await NewScraper().ScrapeAsync(Target(jobYaml: "    metric_name_escaping_scheme: underscores\n"));

        var sample = Assert.Single(Scraped(snapshot));
        Assert.Equal(Labels.Of("__name__", "a.b", "c.d", "e", "instance", _server.HostPort, "job", "test"), sample.Labels);
        Assert.Contains(snapshot.Metadata, m => m.Name == "a.b" && m.Type == MetricType.Gauge);
    }

    [Fact]
    public async Task FederationExampleSendsRepeatedMatchParams()
    {
        _server.Serve("/federate", "prometheus_build_info{job=\"prometheus\",instance=\"p:9090\"} 1 1700000000000\n");
        var config = FederationConfig.Parse(
            "scrape_configs:\n  - job_name: 'federate'\n    scrape_interval: 15s\n    honor_labels: true\n    metrics_path: '/federate'\n" +
            "    params:\n      'match[]':\n        - '{job=\"prometheus\"}'\n        - '{__name__=~\"job:.*\"}'\n" +
            $"    static_configs:\n      - targets:\n        - '{_server.HostPort}'\n");

        var snapshot = await NewScraper().ScrapeAsync(config.Targets().Single());

        Assert.True(snapshot.Up, snapshot.Error);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/federate", request.Path);
        var matches = request.RawQuery.TrimStart('?').Split('&')
            .Select(pair => pair.Split('=', 2))
            .Where(kv => Uri.UnescapeDataString(kv[0]) == "match[]")
            .Select(kv => Uri.UnescapeDataString(kv[1]))
            .ToList();
        Assert.Equal(["{job=\"prometheus\"}", "{__name__=~\"job:.*\"}"], matches);
        Assert.Equal(1_700_000_000_000, Scraped(snapshot).Single().TimestampMs);
    }

    [Fact]
    public async Task ScrapeAllRespectsConcurrencyBoundAndKeepsOrder()
    {
        _server.Serve("/metrics", Encoding.UTF8.GetBytes("a 1\n"), delay: TimeSpan.FromMilliseconds(150));
        var targets = Enumerable.Range(0, 12)
            .Select(i => Target($"/metrics", job: $"job{i}"))
            .ToList();

        var snapshots = await NewScraper(new ScraperOptions { MaxConcurrency = 3 }).ScrapeAllAsync(targets);

        Assert.Equal(12, _server.Requests.Count);
        Assert.InRange(_server.MaxInFlight, 2, 3);
        Assert.Equal(targets.Select(t => t.Labels), snapshots.Select(s => s.TargetLabels));
        Assert.All(snapshots, s => Assert.True(s.Up, s.Error));
    }

    [Fact]
    public async Task ScrapeAllReturnsEveryTargetEvenWhenSomeFail()
    {
        _server.Serve("/metrics", "a 1\n");
        _server.Serve("/broken", Encoding.UTF8.GetBytes("oops"), status: 500);
        var targets = new[] { Target("/metrics", job: "ok"), Target("/broken", job: "bad"), Target(address: $"127.0.0.1:{FreePort.Next()}", job: "gone") };

        var snapshots = await NewScraper().ScrapeAllAsync(targets);

        Assert.Equal([true, false, false], snapshots.Select(s => s.Up));
    }

    [Fact]
    public async Task CancellingTheRunThrows()
    {
        _server.Serve("/metrics", Encoding.UTF8.GetBytes("a 1\n"), delay: TimeSpan.FromSeconds(20));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => NewScraper().ScrapeAsync(Target(), cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => NewScraper().ScrapeAllAsync([Target()], new CancellationToken(canceled: true)));
    }

    [Fact]
    public void RejectsBadOptions()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Scraper(SharedClient, new ScraperOptions { MaxConcurrency = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Scraper(SharedClient, new ScraperOptions { BodySizeLimitBytes = 0 }));
        Assert.Throws<ArgumentNullException>(() => new Scraper(null!));
    }

    private static void AssertDown(TargetSnapshot snapshot, string expectedError)
    {
        Assert.False(snapshot.Up);
        Assert.Contains(expectedError, snapshot.Error, StringComparison.Ordinal);
        // Only the synthetic series' metadata: nothing the target said survives a failed scrape.
        Assert.Equal(ReportNames, snapshot.Metadata.Select(m => m.Name));
        Assert.Equal(ReportNames, snapshot.Samples.Select(s => s.Labels.MetricName));
        Assert.Equal(0, Report(snapshot, "up"));
        Assert.Equal(0, Report(snapshot, "scrape_samples_scraped"));
        Assert.Equal(0, Report(snapshot, "scrape_samples_post_metric_relabeling"));
        Assert.All(snapshot.Samples, s => Assert.Equal(snapshot.TargetLabels, s.Labels.ToBuilder().Set(Label.MetricName, "").Build()));
    }
}
