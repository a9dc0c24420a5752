using System.Net;
using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests;

/// <summary>The app scrapes real HTTP targets into Azurite and /federate answers selectors over them.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class FederateEndToEndTests(EndToEndFixture fixture)
{
    private static Dictionary<string, string> FixtureSamples(string file) =>
        ExpositionText.Samples(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, file)));

    [Fact]
    public void FirstScrapeRunSucceedsDespiteFailingTargets()
    {
        Assert.Equal(200, fixture.FirstScrapeStatus);
        using var json = System.Text.Json.JsonDocument.Parse(fixture.FirstScrapeBody);
        var summary = json.RootElement;
        Assert.Equal(4, summary.GetProperty("targetsScraped").GetInt32());
        Assert.Equal(2, summary.GetProperty("targetsUp").GetInt32());
        Assert.Equal(2, summary.GetProperty("targetsDown").GetInt32());
        Assert.Equal(4, summary.GetProperty("snapshotsWritten").GetInt32());
        Assert.Equal(2, summary.GetProperty("scrapeErrors").GetArrayLength());
        Assert.False(summary.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task JobSelectorReturnsEveryScrapedSeriesWithTargetLabelsAndValues()
    {
        var body = await fixture.App.FederateTextAsync("{job=\"node\"}");
        var served = ExpositionText.Samples(body).ToDictionary(kv => ExpositionText.Canonical(kv.Key), kv => kv.Value);
        var instance = fixture.Targets.HostPort;
        foreach (var (series, value) in FixtureSamples("node_exporter-1.5.0.txt"))
        {
            var expected = ExpositionText.Canonical(ExpositionText.WithFloatBounds(AddLabels(series, $"env=\"test\",federator=\"e2e\",instance=\"{instance}\",job=\"node\"")));
            Assert.True(served.TryGetValue(expected, out var actual), "missing " + expected);
            Assert.Equal(value, actual);
        }
        Assert.Equal("1", served[$"up{{env=\"test\",federator=\"e2e\",instance=\"{instance}\",job=\"node\"}}"]);
    }

    [Fact]
    public async Task MetadataIsKeptAndHistogramsAreGroupedUnderTheirFamily()
    {
        var body = await fixture.App.FederateTextAsync("{__name__=~\"go_gc_duration_seconds.*|prometheus_http_request_duration_seconds.*\"}");
        Assert.Contains("# HELP go_gc_duration_seconds A summary of the pause duration of garbage collection cycles.\n# TYPE go_gc_duration_seconds summary\n", body);
        Assert.Contains("# TYPE prometheus_http_request_duration_seconds histogram\n", body);
        Assert.DoesNotContain("# TYPE prometheus_http_request_duration_seconds_bucket", body);
        // Exactly one TYPE line per family, even though two jobs expose go_gc_duration_seconds.
        Assert.Single(body.Split('\n'), l => l == "# TYPE go_gc_duration_seconds summary");
    }

    [Fact]
    public async Task NameSelectorReturnsOnlyThatName()
    {
        var body = await fixture.App.FederateTextAsync("node_cpu_seconds_total");
        var names = ExpositionText.Names(body);
        Assert.Equal(["node_cpu_seconds_total"], names);
        Assert.Equal(FixtureSamples("node_exporter-1.5.0.txt").Keys.Count(k => k.StartsWith("node_cpu_seconds_total{", StringComparison.Ordinal)), ExpositionText.Samples(body).Count);
    }

    [Fact]
    public async Task RegexSelectorIsAnchoredAndSpansJobs()
    {
        var body = await fixture.App.FederateTextAsync("{__name__=~\"go_gorout.*\"}");
        var samples = ExpositionText.Samples(body);
        Assert.Equal(2, samples.Count); // node and prometheus jobs
        Assert.All(samples.Keys, k => Assert.StartsWith("go_goroutines{", k));
        // Anchored: "go_goroutine" alone matches nothing.
        Assert.Equal("", await fixture.App.FederateTextAsync("{__name__=~\"go_goroutine\"}"));
    }

    [Fact]
    public async Task NegativeMatchersExcludeSeries()
    {
        var body = await fixture.App.FederateTextAsync("{job!=\"node\",job!=\"prometheus\",job!~\"\"}");
        Assert.All(ExpositionText.Samples(body).Keys, k => Assert.Contains("job=\"broken\"", k));
        Assert.NotEmpty(ExpositionText.Samples(body));
    }

    [Fact]
    public async Task OverlappingSelectorsReturnEachSeriesOnce()
    {
        var body = await fixture.App.FederateTextAsync("up", "{__name__=\"up\",job=\"node\"}", "{job=~\"n.*\",__name__=~\"u.\"}");
        var samples = ExpositionText.Samples(body); // throws on a repeated series
        Assert.Equal(4, samples.Count);
    }

    [Fact]
    public async Task FailingTargetsServeOnlyUpZeroAndScrapeSeries()
    {
        var body = await fixture.App.FederateTextAsync("{job=\"broken\"}");
        var samples = ExpositionText.Samples(body);
        Assert.Equal(
            ["scrape_duration_seconds", "scrape_samples_post_metric_relabeling", "scrape_samples_scraped", "scrape_series_added", "up"],
            ExpositionText.Names(body).Order(StringComparer.Ordinal));
        Assert.All(samples.Where(kv => kv.Key.StartsWith("up{", StringComparison.Ordinal)), kv => Assert.Equal("0", kv.Value));
        Assert.Equal(2, samples.Keys.Count(k => k.StartsWith("up{", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ExternalLabelsAreAddedWhenAbsent()
    {
        var body = await fixture.App.FederateTextAsync("{job=\"prometheus\",__name__=\"up\"}");
        Assert.Equal($"up{{instance=\"{fixture.Targets.HostPort}\",job=\"prometheus\",federator=\"e2e\"}}", ExpositionText.Samples(body).Keys.Single());
    }

    [Fact]
    public async Task EmptyMatchSetsAndUnmatchedSelectorsAnswerEmpty()
    {
        using var none = await fixture.App.Http.GetAsync("/federate");
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        Assert.Equal("", await none.Content.ReadAsStringAsync());
        Assert.Equal("", await fixture.App.FederateTextAsync("{}"));
        Assert.Equal("", await fixture.App.FederateTextAsync("no_such_metric"));
    }

    [Fact]
    public async Task OutputPassesPromtoolLintNoWorseThanTheSources()
    {
        var body = await fixture.App.FederateTextAsync("{job=~\"node|prometheus\"}");
        var ours = Promtool.CheckMetrics(body);
        var sources = Promtool.CheckMetrics(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "node_exporter-1.5.0.txt")))
            .Concat(Promtool.CheckMetrics(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "prometheus-2.42-self.txt")))).ToHashSet();
        Assert.DoesNotContain(ours, problem => !sources.Contains(problem));
    }

    private static string AddLabels(string series, string labels)
    {
        var brace = series.IndexOf('{');
        return brace < 0 ? series + "{" + labels + "}" : series[..^1] + "," + labels + "}";
    }
}
