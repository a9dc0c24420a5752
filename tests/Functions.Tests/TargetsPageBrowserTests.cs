using System.Text.Json;
using PuppeteerSharp;
using Xunit.Abstractions;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// The <c>/targets</c> page in a real headless Chromium (Debian's <c>chromium</c>, installed by scripts/setup.sh;
/// PuppeteerSharp is pointed at it and never downloads a browser): every target with its state and the down
/// target's error, escaped labels, the unhealthy filter without JavaScript, no external requests, a phone-width
/// layout without horizontal scrolling, and screenshots saved as test artifacts.
/// </summary>
[Collection(TargetsCollection.Name)]
public sealed class TargetsPageBrowserTests(TargetsFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath)) throw new InvalidOperationException($"{ChromiumPath} is missing: run scripts/setup.sh --test (apt-get install chromium)");
        _browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Root in CI containers has no user namespace for Chromium's sandbox.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            Timeout = 60_000,
        });
    }

    public async Task DisposeAsync() => await _browser.DisposeAsync();

    private static string ArtifactPath(string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name);
    }

    private async Task<(IPage Page, List<string> Requests)> OpenAsync(int width, int height)
    {
        var page = await _browser.NewPageAsync();
        await page.SetJavaScriptEnabledAsync(false); // the page must work without it
        await page.SetViewportAsync(new ViewPortOptions { Width = width, Height = height });
        var requests = new List<string>();
        page.Request += (_, e) => { lock (requests) requests.Add(e.Request.Url); };
        var response = await page.GoToAsync(fixture.App.BaseAddress + "/targets", WaitUntilNavigation.Load);
        Assert.Equal(200, (int)response.Status);
        return (page, requests);
    }

    private async Task<JsonElement> ApiTargetsAsync()
    {
        using var document = JsonDocument.Parse(await fixture.App.Http.GetStringAsync("/api/v1/targets?state=active"));
        return document.RootElement.GetProperty("data").GetProperty("activeTargets").Clone();
    }

    [Fact]
    public async Task EveryTargetItsStateAndTheErrorAreVisible()
    {
        var (page, requests) = await OpenAsync(1280, 800);
        var text = await page.EvaluateExpressionAsync<string>("document.body.innerText");
        foreach (var target in (await ApiTargetsAsync()).EnumerateArray())
        {
            var url = target.GetProperty("scrapeUrl").GetString()!;
            var row = await page.EvaluateFunctionAsync<string>(
                "url => [...document.querySelectorAll('tr.target')].find(r => r.querySelector('td.endpoint').innerText === url)?.innerText ?? ''", url);
            Assert.False(row.Length == 0, $"no row for {url} in:\n{text}");
            Assert.Contains(target.GetProperty("health").GetString()!.ToUpperInvariant(), row);
            Assert.Contains(target.GetProperty("lastError").GetString()!, row);
        }
        var down = await page.QuerySelectorAllAsync("tr.target.down");
        var downText = await Assert.Single(down).EvaluateFunctionAsync<string>("r => r.innerText");
        Assert.Contains($"127.0.0.1:{fixture.RefusedPort}", downText);
        Assert.Matches("(?i)refused|connect", downText);

        // Per job: up counts; the dropped target is counted, not listed.
        Assert.Equal("1 / 2 up", await page.EvaluateExpressionAsync<string>("document.querySelector('section[data-pool=\"mixed\"] .count').innerText"));
        Assert.Equal("1 / 1 up", await page.EvaluateExpressionAsync<string>("document.querySelector('section[data-pool=\"node\"] .count').innerText"));
        Assert.Contains("1 dropped", text);

        // A label value with markup in it is shown as text, not parsed.
        Assert.Contains("env=\"<test & \"quoted\">\"", text);
        Assert.Equal(0, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('test').length"));

        // Nothing is loaded from elsewhere: the page, nothing else.
        Assert.All(requests, r => Assert.StartsWith(fixture.App.BaseAddress, r));
        Assert.Single(requests);

        var path = ArtifactPath("targets.png");
        await page.ScreenshotAsync(path, new ScreenshotOptions { FullPage = true });
        output.WriteLine($"screenshot: {path}");
        Assert.True(new FileInfo(path).Length > 1000);
    }

    [Fact]
    public async Task TheUnhealthyFilterShowsOnlyTheDownTarget()
    {
        var (page, _) = await OpenAsync(1280, 800);
        Assert.Equal(3, (await page.QuerySelectorAllAsync("tr.target")).Length);

        await Task.WhenAll(page.WaitForNavigationAsync(), page.ClickAsync("#filter-unhealthy"));
        Assert.EndsWith("/targets?health=unhealthy", page.Url);
        var rows = await page.QuerySelectorAllAsync("tr.target");
        Assert.Equal("down", await Assert.Single(rows).EvaluateFunctionAsync<string>("r => r.dataset.health"));
        Assert.Empty(await page.QuerySelectorAllAsync("section[data-pool=\"node\"]"));
        Assert.Equal("page", await page.EvaluateExpressionAsync<string>("document.querySelector('#filter-unhealthy').getAttribute('aria-current')"));

        await Task.WhenAll(page.WaitForNavigationAsync(), page.ClickAsync("#filter-all"));
        Assert.Equal(3, (await page.QuerySelectorAllAsync("tr.target")).Length);
        await page.ScreenshotAsync(ArtifactPath("targets-unhealthy.png"), new ScreenshotOptions { FullPage = true });
    }

    [Fact]
    public async Task OnAPhoneEachTargetIsACardWithoutSideways()
    {
        var (page, _) = await OpenAsync(390, 844);
        // No horizontal scrolling, and the table header gives way to per-field captions.
        Assert.True(await page.EvaluateExpressionAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"),
            "the page scrolls sideways at 390 px");
        Assert.Equal("none", await page.EvaluateExpressionAsync<string>("getComputedStyle(document.querySelector('thead')).display"));
        Assert.Equal("block", await page.EvaluateExpressionAsync<string>("getComputedStyle(document.querySelector('tr.target')).display"));
        var path = ArtifactPath("targets-phone.png");
        await page.ScreenshotAsync(path, new ScreenshotOptions { FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }
}
