using System.Net;
using System.Text.Json;
using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// <c>GET /api/v1/targets</c> against the real Prometheus 2.42 scraping the same config: the same targets, labels,
/// URLs and health, in the same JSON shape; and the <c>state</c> and <c>scrapePool</c> parameters.
/// </summary>
[Collection(TargetsCollection.Name)]
public sealed class TargetsApiTests(TargetsFixture fixture)
{
    private static readonly string[] ActiveKeys =
        ["discoveredLabels", "labels", "scrapePool", "scrapeUrl", "globalUrl", "lastError", "lastScrape", "lastScrapeDuration", "health", "scrapeInterval", "scrapeTimeout"];

    private async Task<JsonElement> PrometheusTargetsAsync()
    {
        // Prometheus scrapes on its own schedule: wait until every active target has been scraped once.
        var json = await Poll.UntilAsync(async () =>
        {
            var body = await fixture.Prometheus.Http.GetStringAsync("/api/v1/targets");
            using var doc = JsonDocument.Parse(body);
            var active = doc.RootElement.GetProperty("data").GetProperty("activeTargets");
            return active.GetArrayLength() == 3 && active.EnumerateArray().All(t => t.GetProperty("health").GetString() != "unknown") ? body : null;
        }, TimeSpan.FromSeconds(30), "prometheus to scrape its three targets");
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private async Task<JsonElement> AppTargetsAsync(string query = "")
    {
        using var response = await fixture.App.Http.GetAsync("/api/v1/targets" + query);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    private static Dictionary<string, string> Map(JsonElement labels) =>
        labels.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

    private static Dictionary<string, JsonElement> ByUrl(JsonElement root) =>
        root.GetProperty("data").GetProperty("activeTargets").EnumerateArray().ToDictionary(t => t.GetProperty("scrapeUrl").GetString()!);

    [Fact]
    public async Task ActiveTargetsMatchPrometheus()
    {
        var prometheus = await PrometheusTargetsAsync();
        var app = await AppTargetsAsync();
        Assert.Equal("success", app.GetProperty("status").GetString());

        var expected = ByUrl(prometheus);
        var actual = ByUrl(app);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (url, theirs) in expected)
        {
            var ours = actual[url];
            // The same fields, in the same order, of the same JSON kinds.
            Assert.Equal(theirs.EnumerateObject().Select(p => p.Name), ours.EnumerateObject().Select(p => p.Name));
            Assert.Equal(ActiveKeys, ours.EnumerateObject().Select(p => p.Name));
            foreach (var property in theirs.EnumerateObject())
                Assert.Equal(property.Value.ValueKind, ours.GetProperty(property.Name).ValueKind);

            Assert.Equal(Map(theirs.GetProperty("labels")), Map(ours.GetProperty("labels")));
            Assert.Equal(Map(theirs.GetProperty("discoveredLabels")), Map(ours.GetProperty("discoveredLabels")));
            foreach (var name in new[] { "scrapePool", "health", "scrapeInterval", "scrapeTimeout" })
                Assert.Equal(theirs.GetProperty(name).GetString(), ours.GetProperty(name).GetString());
            Assert.Equal(theirs.GetProperty("lastError").GetString()!.Length > 0, ours.GetProperty("lastError").GetString()!.Length > 0);

            // globalUrl: a loopback host becomes the host the server is reached at (Prometheus: its external URL's), port and path kept.
            var theirGlobal = new Uri(theirs.GetProperty("globalUrl").GetString()!);
            var ourGlobal = new Uri(ours.GetProperty("globalUrl").GetString()!);
            Assert.Equal(theirGlobal.PathAndQuery, ourGlobal.PathAndQuery);
            Assert.Equal(theirGlobal.Port, ourGlobal.Port);
            Assert.Equal(new Uri(fixture.App.BaseAddress).Host, ourGlobal.Host);

            // lastScrape: RFC 3339 in UTC, a time of the run; the duration in seconds.
            var lastScrape = DateTimeOffset.Parse(ours.GetProperty("lastScrape").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.EndsWith("Z", ours.GetProperty("lastScrape").GetString());
            Assert.InRange(lastScrape, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddSeconds(5));
            Assert.InRange(ours.GetProperty("lastScrapeDuration").GetDouble(), 0, 5);
        }
        var down = actual.Values.Single(t => t.GetProperty("health").GetString() == "down");
        Assert.Contains($"127.0.0.1:{fixture.RefusedPort}", down.GetProperty("scrapeUrl").GetString());
        Assert.NotEqual("", down.GetProperty("lastError").GetString());
    }

    [Fact]
    public async Task DroppedTargetsMatchPrometheus()
    {
        var prometheus = await PrometheusTargetsAsync();
        var app = await AppTargetsAsync();
        var theirs = prometheus.GetProperty("data").GetProperty("droppedTargets").EnumerateArray().ToList();
        var ours = app.GetProperty("data").GetProperty("droppedTargets").EnumerateArray().ToList();
        Assert.Equal(Map(Assert.Single(theirs).GetProperty("discoveredLabels")), Map(Assert.Single(ours).GetProperty("discoveredLabels")));
        Assert.Equal("drop-me.invalid:9100", ours[0].GetProperty("discoveredLabels").GetProperty("__address__").GetString());
        // Prometheus 2.42's fields, plus scrapePool as Prometheus 3.3 and later add it.
        Assert.Subset(ours[0].EnumerateObject().Select(p => p.Name).ToHashSet(), theirs[0].EnumerateObject().Select(p => p.Name).ToHashSet());
        Assert.Equal("mixed", ours[0].GetProperty("scrapePool").GetString());
    }

    [Theory]
    [InlineData("", 3, 1)]
    [InlineData("?state=any", 3, 1)]
    [InlineData("?state=Active", 3, 0)]
    [InlineData("?state=dropped", 0, 1)]
    [InlineData("?state=bogus", 0, 0)]
    [InlineData("?scrapePool=node", 1, 0)]
    [InlineData("?scrapePool=mixed&state=dropped", 0, 1)]
    [InlineData("?scrapePool=nope", 0, 0)]
    public async Task StateAndScrapePoolFilterAsInPrometheus(string query, int active, int dropped)
    {
        var app = await AppTargetsAsync(query);
        Assert.Equal(active, app.GetProperty("data").GetProperty("activeTargets").GetArrayLength());
        Assert.Equal(dropped, app.GetProperty("data").GetProperty("droppedTargets").GetArrayLength());

        // The same answer sizes as Prometheus for the same query.
        await PrometheusTargetsAsync();
        var theirs = JsonDocument.Parse(await fixture.Prometheus.Http.GetStringAsync("/api/v1/targets" + query)).RootElement;
        Assert.Equal(theirs.GetProperty("data").GetProperty("activeTargets").GetArrayLength(), active);
        Assert.Equal(theirs.GetProperty("data").GetProperty("droppedTargets").GetArrayLength(), dropped);
    }

    [Fact]
    public async Task AnotherInstanceOnTheSameStorageAnswersTheSame()
    {
        // A second app that never scraped: everything it answers comes from storage.
        await using var other = await AppHost.StartAsync(TargetsFixture.Config(fixture.Targets.HostPort, fixture.RefusedPort), fixture.Azurite.ConnectionString,
            new Dictionary<string, string> { ["Federation__SnapshotTable"] = "targetsapi", ["Federation__SnapshotContainer"] = "targetsapi" });
        var first = await AppTargetsAsync();
        using var response = await other.Http.GetAsync("/api/v1/targets");
        using var second = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(
            first.GetProperty("data").ToString().Replace(fixture.App.HostPort, "HOST", StringComparison.Ordinal),
            second.RootElement.GetProperty("data").ToString().Replace(other.HostPort, "HOST", StringComparison.Ordinal));
    }
}
