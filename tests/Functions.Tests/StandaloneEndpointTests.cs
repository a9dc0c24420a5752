using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// The standalone server's endpoints: readiness, <c>POST /-/scrape</c>, and the HTTP requests the Functions
/// host would proxy whole to the worker (repeated <c>match[]</c>, a function key in <c>code</c>, forms, gzip).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class StandaloneEndpointTests(EndToEndFixture fixture)
{
    [Fact]
    public async Task ScrapeNowAnswersAfterTheCycleWithItsSummary()
    {
        // An app of its own: in the shared one, jobs scraped moments ago are not due yet.
        await using var app = await fixture.StartOwnAppAsync("scrapenow");
        var (status, body) = await app.TriggerScrapeAsync();
        Assert.Equal(200, status);
        using var json = JsonDocument.Parse(body);
        var summary = json.RootElement;
        Assert.Equal(4, summary.GetProperty("targetsScraped").GetInt32());
        Assert.Equal(summary.GetProperty("targetsScraped").GetInt32(), summary.GetProperty("targetsUp").GetInt32() + summary.GetProperty("targetsDown").GetInt32());
        Assert.Equal(0, summary.GetProperty("targetsDeleted").GetInt32());
        Assert.True(summary.GetProperty("seriesWritten").GetInt64() > 100, body);
        Assert.True(summary.GetProperty("durationSeconds").GetDouble() > 0, body);
        Assert.All(summary.GetProperty("scrapeErrors").EnumerateArray(), e => Assert.StartsWith("broken/", e.GetString()));

        // Answered after the run: the series it stored are served at once.
        Assert.Equal(4, ExpositionText.Samples(await app.FederateTextAsync("up")).Count);

        // Run again at once: every job is still within its scrape interval, so nothing is due. Due jobs are
        // decided by interval slots aligned to the clock, so a run just after a slot boundary scrapes again;
        // the run after that, moments later, must find nothing due (bounded: three tries).
        var notDue = 0;
        for (var attempt = 0; attempt < 3 && notDue != 4; attempt++)
        {
            (status, body) = await app.TriggerScrapeAsync();
            Assert.Equal(200, status);
            using var again = JsonDocument.Parse(body);
            notDue = again.RootElement.GetProperty("targetsNotDue").GetInt32();
            Assert.Equal(4, again.RootElement.GetProperty("targetsScraped").GetInt32() + notDue);
        }
        Assert.Equal(4, notDue);
    }

    [Fact]
    public async Task ScrapeNowIsPostOnly()
    {
        using var get = await fixture.App.Http.GetAsync("/-/scrape");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
    }

    [Fact]
    public async Task ReadinessAnswersAtOnce()
    {
        using var response = await fixture.App.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ProxiedFederateWithRepeatedMatchAndAFunctionKey()
    {
        // What the host's proxy passes on: the raw query, repeated match[] and the key in `code`.
        var query = "?code=secret-key&match%5B%5D=up&match[]=%7Bjob%3D%22node%22%2C__name__%3D%22go_goroutines%22%7D";
        using var response = await fixture.App.Http.GetAsync("/federate" + query);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8; escaping=underscores", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(["go_goroutines", "up"], ExpositionText.Names(body).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FederateAcceptsPostedForms()
    {
        using var form = new FormUrlEncodedContent([new("match[]", "go_goroutines"), new("match[]", "{__name__=\"up\",job=\"node\"}"), new("code", "k")]);
        using var response = await fixture.App.Http.PostAsync("/federate", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, ExpositionText.Samples(body).Count);
    }

    [Fact]
    public async Task AHundredKilobyteGetUrlAnswersLikeTheEquivalentPost()
    {
        // Prometheus accepts URLs up to 1 MiB; Kestrel's default request line (8 KiB) would answer 414.
        var matches = Enumerable.Range(0, 900).Select(i => $"{{__name__=\"up\",job=\"node\",instance=~\"never-{i:D4}-{new string('x', 40)}\"}}")
            .Append("go_goroutines").Append("{__name__=\"up\",job=\"node\"}").ToList();
        var url = "/federate?" + string.Join("&", matches.Select(m => "match[]=" + Uri.EscapeDataString(m)));
        Assert.True(url.Length > 100_000, $"URL of {url.Length} characters");

        using var get = await fixture.App.Http.GetAsync(url);
        var getBody = await get.Content.ReadAsStringAsync();
        using var form = new FormUrlEncodedContent(matches.Select(m => new KeyValuePair<string, string>("match[]", m)));
        using var post = await fixture.App.Http.PostAsync("/federate", form);
        var postBody = await post.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(3, ExpositionText.Samples(getBody).Count);
        Assert.Equal(postBody, getBody);
    }

    [Theory]
    [InlineData("-not-a-valid-metric-name", "1:1: parse error: unexpected <op:->\n")]
    [InlineData("foo-bar", "1:4: parse error: unexpected <op:->\n")]
    [InlineData("{job=~\"(a)\\\\1\"}", "parse error")]
    public async Task BadSelectorsAnswer400WithThePrometheusError(string selector, string expected)
    {
        using var response = await fixture.App.FederateAsync("up", selector);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, body);
    }

    [Fact]
    public async Task HostileRequestsGetAClearErrorNotAFailure()
    {
        // More form values than ASP.NET's limit: a 400 that says why, not a 500.
        var many = Enumerable.Range(0, 2000).Select(i => new KeyValuePair<string, string>("match[]", $"m{i}"));
        using var tooMany = await fixture.App.Http.PostAsync("/federate", new FormUrlEncodedContent(many));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.StartsWith("error parsing form values: ", await tooMany.Content.ReadAsStringAsync());

        // A regex too large to run in linear time is refused as RE2 would refuse it.
        var huge = "{__name__=~\"" + string.Concat(Enumerable.Repeat("[a-z]{1000}", 11)) + "\"}";
        using var tooLarge = await fixture.App.Http.PostAsync("/federate", new FormUrlEncodedContent([new("match[]", huge)]));
        Assert.Equal(HttpStatusCode.BadRequest, tooLarge.StatusCode);
        Assert.Contains("expression too large", await tooLarge.Content.ReadAsStringAsync());

        // Catastrophic-backtracking shapes run in linear time and simply answer.
        using var evil = await fixture.App.FederateAsync("{__name__=~\"(a|aa)*c\"}", "{job=~\"(n+)+$\"}");
        Assert.Equal(HttpStatusCode.OK, evil.StatusCode);

        // Only GET and POST, as the Federate function's trigger says.
        using var put = await fixture.App.Http.PutAsync("/federate?match[]=up", new StringContent(""));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
    }

    [Fact]
    public async Task FederateIsGzippedWhenTheClientAcceptsIt()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/federate?match[]=%7Bjob%3D%22node%22%7D");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        using var response = await fixture.App.Http.SendAsync(request);
        Assert.Equal("gzip", response.Content.Headers.ContentEncoding.Single());
        await using var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        var text = await new StreamReader(gzip, Encoding.UTF8).ReadToEndAsync();
        Assert.Equal(await fixture.App.FederateTextAsync("{job=\"node\"}"), text);
    }

    [Fact]
    public async Task UnreachableStorageAnswers503OnFederateAnd500OnScrapeNow()
    {
        await using var app = await fixture.StartAppWithStorageDownAsync();

        using var federate = await app.FederateAsync("up");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, federate.StatusCode);
        Assert.StartsWith("storage unavailable: ", await federate.Content.ReadAsStringAsync());

        var (status, body) = await app.TriggerScrapeAsync();
        Assert.Equal(500, status);
        using var json = JsonDocument.Parse(body);
        Assert.StartsWith("storage ", json.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task MetricsExposeTheAppsOwnCounters()
    {
        await fixture.App.FederateTextAsync("up");
        var body = await fixture.App.Http.GetStringAsync("/metrics");
        Assert.Contains("# TYPE fedfunctions_federate_requests_total counter", body);
        Assert.Contains("fedfunctions_target_scrapes_total{outcome=\"failure\"}", body);
        Assert.Contains("fedfunctions_scrape_cycle_duration_seconds_bucket{le=\"+Inf\"}", body);
        Assert.Empty(Promtool.CheckMetrics(body));
    }
}
