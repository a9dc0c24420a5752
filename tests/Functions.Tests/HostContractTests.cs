using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests;

/// <summary>The custom handler contract with the Functions host (reference azure.md §1): readiness, timer payloads, proxied HTTP.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class HostContractTests(EndToEndFixture fixture)
{
    public static TheoryData<string> TimerPayloads => new()
    {
        AppHost.TimerPayload,
        // ScheduleStatus is null for schedules that fire more than once a minute.
        """{"Data":{"myTimer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}},"Metadata":{"sys":{"MethodName":"ScrapeTimer","UtcNow":"2026-11-24T10:00:15.01Z","RandGuid":"0f0e"}}}""",
        // A missed occurrence, run late after a restart.
        """{"Data":{"myTimer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"0001-01-01T00:00:00","Next":"2026-11-24T10:00:00+00:00","LastUpdated":"2026-11-24T09:59:00+00:00"},"IsPastDue":true}},"Metadata":{}}""",
        // camelCase, as another worker would write it.
        """{"data":{"myTimer":{"scheduleStatus":null,"isPastDue":true}},"metadata":{}}""",
        "{}",
        "not json at all",
    };

    [Theory]
    [MemberData(nameof(TimerPayloads))]
    public async Task TimerInvocationAnswersTheJsonObjectTheHostExpects(string payload)
    {
        var (status, body) = await fixture.App.TriggerScrapeAsync(payload);
        Assert.Equal(200, status);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal(JsonValueKind.Object, root.GetProperty("Outputs").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("ReturnValue").ValueKind);
        var logs = root.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.Contains(logs, l => l.StartsWith("scraped ", StringComparison.Ordinal));
        if (payload.Contains("\"IsPastDue\":true", StringComparison.OrdinalIgnoreCase) || payload.Contains("\"isPastDue\":true", StringComparison.Ordinal))
            Assert.Contains(logs, l => l.Contains("past due", StringComparison.Ordinal));
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
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
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

        // Only GET and POST, as the function.json says.
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
    public async Task UnreachableStorageAnswers503OnFederateAndFailsTheTimer()
    {
        var closed = FreePort.Next();
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Core.Tests.Storage.AzuriteServer.AccountKey};" +
                         $"BlobEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;";
        await using var app = await AppHost.StartAsync(EndToEndFixture.Config(fixture.Targets.HostPort, fixture.RefusedPort), connection);

        using var federate = await app.FederateAsync("up");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, federate.StatusCode);
        Assert.StartsWith("storage unavailable: ", await federate.Content.ReadAsStringAsync());

        var (status, body) = await app.TriggerScrapeAsync();
        Assert.Equal(500, status);
        using var json = JsonDocument.Parse(body);
        Assert.Contains(json.RootElement.GetProperty("Logs").EnumerateArray(), l => l.GetString()!.Contains("storage", StringComparison.Ordinal));
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
