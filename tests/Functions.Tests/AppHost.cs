using FedFunctions.Functions.Hosting;
using FedFunctions.TestSupport;
using Microsoft.AspNetCore.Builder;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// AppHost runs the real app in standalone mode, in-process on a free loopback port, with settings given
/// as an in-memory configuration over the environment, a scrape config written to a temp file, and a
/// schedule that never fires during a test (tests run a cycle with <c>POST /-/scrape</c>).
/// </summary>
public sealed class AppHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _directory;

    private AppHost(WebApplication app, string directory)
    {
        _app = app;
        _directory = directory;
        ConfigPath = Path.Combine(directory, "prometheus.yml");
        BaseAddress = app.Urls.First().TrimEnd('/');
        Http = new HttpClient { BaseAddress = new Uri(BaseAddress), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:34567</c>.</summary>
    public string BaseAddress { get; }

    /// <summary>The <c>host:port</c> to put in a scrape config.</summary>
    public string HostPort => new Uri(BaseAddress).Authority;

    /// <summary>A client for the app.</summary>
    public HttpClient Http { get; }

    /// <summary>The scrape config file the app was started with (rewrite it to test reloads).</summary>
    public string ConfigPath { get; }

    /// <summary>The app's service provider (for white-box checks).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the app with <paramref name="configYaml"/> against <paramref name="storageConnectionString"/>.</summary>
    public static async Task<AppHost> StartAsync(string configYaml, string storageConnectionString, IDictionary<string, string>? settings = null)
    {
        var directory = Directory.CreateTempSubdirectory("fedfn-app-").FullName;
        var configPath = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(configPath, configYaml);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["FederationStorage"] = storageConnectionString,
            ["Federation__ConfigPath"] = configPath,
            // Once a year: the local scheduler stays quiet, tests trigger runs themselves.
            ["ScrapeSchedule"] = "0 0 0 1 1 *",
        };
        if (settings is not null)
        {
            foreach (var (key, value) in settings) values[key] = value;
        }

        // Environment-variable names (Section__Key) as configuration keys (Section:Key).
        var app = StandaloneApp.Build(["--urls", "http://127.0.0.1:0"],
            values.Select(v => new KeyValuePair<string, string?>(v.Key.Replace("__", ":", StringComparison.Ordinal), v.Value)));
        await app.StartAsync();
        return new AppHost(app, directory);
    }

    /// <summary>Runs one scrape cycle with <c>POST /-/scrape</c> and returns the status and JSON body.</summary>
    public async Task<(int Status, string Body)> TriggerScrapeAsync()
    {
        using var response = await Http.PostAsync("/-/scrape", content: null);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>GETs <c>/federate</c> with the given selectors (URL-encoded) and returns the response.</summary>
    public Task<HttpResponseMessage> FederateAsync(params string[] matches) =>
        Http.GetAsync("/federate?" + string.Join("&", matches.Select(m => "match[]=" + Uri.EscapeDataString(m))));

    /// <summary>GETs <c>/federate</c> and returns the body, failing on a non-200.</summary>
    public async Task<string> FederateTextAsync(params string[] matches)
    {
        using var response = await FederateAsync(matches);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"federate answered {(int)response.StatusCode}: {body}");
        return body;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
