using System.IO.Compression;
using System.Text;
using System.Text.Json;
using FedFunctions.Functions.Triggers;
using FedFunctions.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// Each function class invoked directly, as the worker would after the host's trigger (a
/// <see cref="DefaultHttpContext"/> for HTTP, a <see cref="TimerInfo"/> for the timer), against the same
/// services as the standalone server, and its answer compared with the standalone endpoint's.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class FunctionInvocationTests(EndToEndFixture fixture)
{
    private T Function<T>() where T : class => ActivatorUtilities.CreateInstance<T>(fixture.App.Services);

    public static TheoryData<string, string, string?, string?, string?> FederateRequests => new()
    {
        // method, query, form body, Accept, Accept-Encoding
        { "GET", "?match[]=" + Uri.EscapeDataString("{job=\"node\"}"), null, null, null },
        { "GET", "?code=key&match[]=up&match[]=" + Uri.EscapeDataString("{__name__=~\"go_gorout.*\"}"), null, null, "gzip" },
        { "GET", "?match[]=" + Uri.EscapeDataString("{job=\"prometheus\"}"), null, FederateProtobufTests.NativeHistogramsAccept, null },
        { "POST", "", "match[]=go_goroutines&match[]=" + Uri.EscapeDataString("{__name__=\"up\",job=\"node\"}"), null, null },
        { "GET", "?match[]=up&match[]=foo-bar", null, null, null },
        { "GET", "", null, null, null },
    };

    [Theory]
    [MemberData(nameof(FederateRequests))]
    public async Task FederateAnswersAsTheStandaloneEndpoint(string method, string query, string? form, string? accept, string? acceptEncoding)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = "/federate";
        context.Request.QueryString = new QueryString(query);
        if (accept is not null) context.Request.Headers.Accept = accept;
        if (acceptEncoding is not null) context.Request.Headers.AcceptEncoding = acceptEncoding;
        if (form is not null)
        {
            context.Request.ContentType = "application/x-www-form-urlencoded";
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(form));
        }
        var body = new MemoryStream();
        context.Response.Body = body;
        await Function<FederateFunction>().RunAsync(context.Request);

        using var request = new HttpRequestMessage(new HttpMethod(method), "/federate" + query);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        if (acceptEncoding is not null) request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        if (form is not null) request.Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await fixture.App.Http.SendAsync(request);

        Assert.Equal((int)response.StatusCode, context.Response.StatusCode);
        Assert.Equal(response.Content.Headers.ContentType!.ToString().Replace(" ", ""), context.Response.ContentType!.Replace(" ", ""));
        Assert.Equal(response.Content.Headers.ContentEncoding, Values(context.Response.Headers.ContentEncoding));
        Assert.Equal(string.Join(", ", response.Headers.Vary), context.Response.Headers.Vary.ToString());
        var gzip = acceptEncoding is not null;
        var expected = Decoded(await response.Content.ReadAsByteArrayAsync(), gzip);
        Assert.Equal(expected, Decoded(body.ToArray(), gzip));
        Assert.True(context.Response.StatusCode != 200 || expected.Length > 0 || query.Length == 0, "an empty answer compares nothing");
    }

    [Fact]
    public async Task MetricsAnswersTheSameFamiliesAsTheStandaloneEndpoint()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        var body = new MemoryStream();
        context.Response.Body = body;
        await Function<MetricsFunction>().RunAsync(context.Request);
        using var response = await fixture.App.Http.GetAsync("/metrics");

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(response.Content.Headers.ContentType!.ToString().Replace(" ", ""), context.Response.ContentType!.Replace(" ", ""));
        static List<string> Families(string text) => text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).ToList();
        var families = Families(Encoding.UTF8.GetString(body.ToArray()));
        Assert.Contains("# TYPE fedfunctions_scrape_cycles_total counter", families);
        Assert.Equal(Families(await response.Content.ReadAsStringAsync()), families);
    }

    [Fact]
    public async Task TheTimerRunsTheSameCycleAsScrapeNow()
    {
        // Two apps on tables of their own (in the shared one, jobs scraped moments ago are not due yet).
        await using var viaTimer = await fixture.StartOwnAppAsync("viatimer");
        await using var viaEndpoint = await fixture.StartOwnAppAsync("viaendpoint");

        await ActivatorUtilities.CreateInstance<ScrapeTimerFunction>(viaTimer.Services).RunAsync(new TimerInfo { IsPastDue = true }, CancellationToken.None);
        var (status, _) = await viaEndpoint.TriggerScrapeAsync();
        Assert.Equal(200, status);

        foreach (var app in new[] { viaTimer, viaEndpoint })
        {
            var metrics = ExpositionText.Samples(await app.Http.GetStringAsync("/metrics"));
            Assert.Equal("1", metrics["fedfunctions_scrape_cycles_total{outcome=\"success\"}"]);
            Assert.Equal("4", metrics["fedfunctions_snapshots_written_total"]);
        }

        // The same series with the same health, whichever trigger ran the cycle.
        const string everything = "{job=~\".+\"}";
        var timerSeries = ExpositionText.Samples(await viaTimer.FederateTextAsync(everything));
        var endpointSeries = ExpositionText.Samples(await viaEndpoint.FederateTextAsync(everything));
        Assert.Equal(endpointSeries.Keys.Order(StringComparer.Ordinal), timerSeries.Keys.Order(StringComparer.Ordinal));
        var up = timerSeries.Where(kv => kv.Key.StartsWith("up{", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, up.Count);
        Assert.All(up, kv => Assert.Equal(endpointSeries[kv.Key], kv.Value));
        Assert.Equal(2, up.Count(kv => kv.Value == "0"));
    }

    [Fact]
    public async Task InWorkerModeTheTimerReloadsAChangedConfigAndReloadAnswersAsTheStandaloneEndpoint()
    {
        await using var app = await fixture.StartOwnAppAsync("workerreload");
        var config = await File.ReadAllTextAsync(app.ConfigPath);
        await File.WriteAllTextAsync(app.ConfigPath, config + "\n  - job_name: extra\n    metrics_path: /prom\n    static_configs:\n      - targets: ['" + fixture.Targets.HostPort + "']\n");
        await ActivatorUtilities.CreateInstance<ScrapeTimerFunction>(app.Services).RunAsync(new TimerInfo(), CancellationToken.None);
        var extra = ExpositionText.Samples(await app.FederateTextAsync("{job=\"extra\"}"));
        Assert.Equal("1", extra.Single(kv => kv.Key.StartsWith("up{", StringComparison.Ordinal)).Value.Split(' ')[0]);

        await File.WriteAllTextAsync(app.ConfigPath, "scrape_configs:\n  - job_name: [not, a, name]\n");
        foreach (var method in new[] { "POST", "PUT" })
        {
            var context = new DefaultHttpContext();
            context.Request.Method = method;
            context.Request.Path = "/-/reload";
            var body = new MemoryStream();
            context.Response.Body = body;
            await Function<ReloadFunction>(app).RunAsync(context.Request);
            using var response = await app.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/-/reload"));
            Assert.Equal(500, context.Response.StatusCode);
            Assert.Equal((int)response.StatusCode, context.Response.StatusCode);
            var text = Encoding.UTF8.GetString(body.ToArray());
            Assert.StartsWith($"failed to reload config: {app.ConfigPath}:2: ", text);
            Assert.Equal(await response.Content.ReadAsStringAsync(), text);
        }
    }

    [Fact]
    public async Task InWorkerModeEveryInstanceWatchesTheConfigOnTheSchedule()
    {
        await using var app = await fixture.StartOwnAppAsync("workerwatch");
        var reloader = app.Services.GetRequiredService<Configuration.ConfigReloader>();
        Assert.DoesNotContain(reloader.Current.Config.ScrapeConfigs, j => j.JobName == "watched");
        // Every second, for the test; the worker uses ScrapeSchedule.
        var everySecond = new Hosting.RunSchedule(
            Microsoft.Extensions.Options.Options.Create(new Settings.ScheduleOptions { ScrapeSchedule = "* * * * * *" }),
            Microsoft.Extensions.Options.Options.Create(new Settings.FederationOptions()));
        using var watcher = new Hosting.ConfigWatcher(everySecond, reloader, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Hosting.ConfigWatcher>.Instance);
        await watcher.StartAsync(CancellationToken.None);
        try
        {
            await File.AppendAllTextAsync(app.ConfigPath, "\n  - job_name: watched\n");
            await Poll.UntilAsync(() => Task.FromResult(reloader.Current.Config.ScrapeConfigs.Any(j => j.JobName == "watched") ? "reloaded" : null),
                TimeSpan.FromSeconds(30), "the watcher to reload the changed config");
        }
        finally
        {
            await watcher.StopAsync(CancellationToken.None);
        }
    }

    private static T Function<T>(AppHost app) where T : class => ActivatorUtilities.CreateInstance<T>(app.Services);

    [Fact]
    public async Task WhenStorageIsUnreachableTheTimerFailsWithTheErrorScrapeNowNames()
    {
        await using var app = await fixture.StartAppWithStorageDownAsync();

        var timer = ActivatorUtilities.CreateInstance<ScrapeTimerFunction>(app.Services);
        var failure = await Assert.ThrowsAsync<ScrapeFailedException>(() => timer.RunAsync(new TimerInfo(), CancellationToken.None));

        var (status, body) = await app.TriggerScrapeAsync();
        Assert.Equal(500, status);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(json.RootElement.GetProperty("error").GetString(), failure.Message);
        Assert.StartsWith("storage ", failure.Message);
    }

    private static string[] Values(StringValues values) => values.Select(v => v!).ToArray();

    private static byte[] Decoded(byte[] bytes, bool gzip)
    {
        if (!gzip) return bytes;
        using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
