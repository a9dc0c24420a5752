using System.Text;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Discovery;
using FedFunctions.Core.Tests.Scraping;
using Microsoft.AspNetCore.Http;

namespace FedFunctions.Core.Tests.Discovery;

// http_sd_configs against real Kestrel servers on 127.0.0.1 (plain, and HTTPS demanding a client certificate).
public sealed class HttpDiscoveryTests : IAsyncLifetime
{
    private readonly RecordingDiscoveryObserver _observer = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));
    private readonly TestPki _pki = new();
    private LoopbackKestrel _server = null!;
    private volatile string _body = "[]";
    private volatile string _contentType = "application/json";
    private volatile int _status = 200;
    private readonly System.Collections.Concurrent.ConcurrentQueue<Dictionary<string, string>> _headers = new();

    public async Task InitializeAsync()
    {
        _server = await LoopbackKestrel.StartAsync();
        _server.Route("/sd", Answer);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _pki.Dispose();
    }

    private Task Answer(HttpContext context)
    {
        // Copied: Kestrel reuses the header collection once the request is over.
        _headers.Enqueue(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
        context.Response.StatusCode = _status;
        context.Response.ContentType = _contentType;
        return context.Response.WriteAsync(_body);
    }

    private static FederationConfig Config(string url, string extra = "") => FederationConfig.Parse($"""
        scrape_configs:
          - job_name: node
            http_sd_configs:
              - url: '{url}'
                refresh_interval: 30s
        {extra}
        """);

    private static string Instances(DiscoveredTargets found) =>
        string.Join(",", found.Active.Select(t => t.Labels.Get("instance")).Order(StringComparer.Ordinal));

    [Fact]
    public async Task TargetsComeAndGoAtEachRefreshWithPrometheusHeaders()
    {
        var url = _server.BaseAddress + "/sd";
        _body = """[{"targets": ["a:1", "b:1"], "labels": {"env": "prod"}}]""";
        using var discovery = new TargetDiscovery(_observer, _clock);
        var config = Config(url);

        var first = await discovery.DiscoverAsync(config);
        Assert.Equal("a:1,b:1", Instances(first));
        Assert.Equal(url, first.Active[0].DiscoveredLabels.Get("__meta_url"));
        Assert.Equal("prod", first.Active[0].Labels.Get("env"));
        var headers = Assert.Single(_headers);
        Assert.Equal("application/json", headers["Accept"]);
        Assert.Equal("30", headers["X-Prometheus-Refresh-Interval-Seconds"]);
        Assert.StartsWith("fed-functions/", headers["User-Agent"], StringComparison.Ordinal);

        // Not asked again before refresh_interval: the last answer stands.
        _body = """[{"targets": ["c:1"]}]""";
        Assert.Equal("a:1,b:1", Instances(await discovery.DiscoverAsync(config)));
        Assert.Single(_headers);

        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("c:1", Instances(await discovery.DiscoverAsync(config)));
        _body = "[]";
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty((await discovery.DiscoverAsync(config)).Active);
        Assert.Empty(_observer.Drain());
    }

    [Theory]
    [InlineData(404, "application/json", "[]", "server returned HTTP status 404 Not Found")]
    [InlineData(500, "application/json", "[]", "server returned HTTP status 500 Internal Server Error")]
    [InlineData(200, "text/plain", "[]", "unsupported content type \"text/plain\"")]
    [InlineData(200, "application/json; charset=latin1", "[]", "unsupported content type")]
    [InlineData(200, "application/json", "[{\"targets\": [\"x:1\"]", "invalid JSON")]
    [InlineData(200, "application/json", "[{\"targets\": [\"x:1\"], \"port\": 1}]", "unknown field \"port\"")]
    public async Task ABadAnswerKeepsTheLastGoodTargetsAndIsReported(int status, string contentType, string body, string expected)
    {
        var url = _server.BaseAddress + "/sd";
        _body = """[{"targets": ["a:1"]}]""";
        using var discovery = new TargetDiscovery(_observer, _clock);
        var config = Config(url);
        Assert.Equal("a:1", Instances(await discovery.DiscoverAsync(config)));

        (_status, _contentType, _body) = (status, contentType, body);
        _clock.Advance(TimeSpan.FromSeconds(30));
        var found = await discovery.DiscoverAsync(config);
        Assert.Equal("a:1", Instances(found));
        Assert.Empty(found.UncertainJobs);
        var reported = Assert.Single(_observer.Drain());
        Assert.StartsWith($"http {url}: ", reported, StringComparison.Ordinal);
        Assert.Contains(expected, reported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CharsetUtf8IsAccepted()
    {
        _contentType = "application/json; charset=utf-8";
        _body = """[{"targets": ["a:1"]}]""";
        using var discovery = new TargetDiscovery(_observer, _clock);
        Assert.Equal("a:1", Instances(await discovery.DiscoverAsync(Config(_server.BaseAddress + "/sd"))));
        Assert.Empty(_observer.Drain());
    }

    [Fact]
    public async Task AnEndpointThatIsDownKeepsTheLastGoodTargets()
    {
        await using var server = await LoopbackKestrel.StartAsync();
        server.Route("/sd", context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("""[{"targets": ["a:1"]}]""");
        });
        var url = server.BaseAddress + "/sd";
        using var discovery = new TargetDiscovery(_observer, _clock);
        var config = Config(url);
        Assert.Equal("a:1", Instances(await discovery.DiscoverAsync(config)));

        await server.DisposeAsync();
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("a:1", Instances(await discovery.DiscoverAsync(config)));
        Assert.Contains("Connection refused", Assert.Single(_observer.Drain()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEndpointNeverReachedLeavesTheJobUncertain()
    {
        var port = FedFunctions.TestSupport.FreePort.Next();
        using var discovery = new TargetDiscovery(_observer, _clock);
        var found = await discovery.DiscoverAsync(Config($"http://127.0.0.1:{port}/sd"));
        Assert.Empty(found.Active);
        Assert.Equal(["node"], found.UncertainJobs);
        Assert.Single(_observer.Drain());
    }

    [Fact]
    public async Task AHangingEndpointTimesOutAfterRefreshInterval()
    {
        _server.Route("/slow", async context =>
        {
            try { await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted); } catch (OperationCanceledException) { }
        });
        using var discovery = new TargetDiscovery(_observer, _clock);
        var config = FederationConfig.Parse($"scrape_configs:\n  - job_name: node\n    http_sd_configs:\n      - url: '{_server.BaseAddress}/slow'\n        refresh_interval: 1s\n");
        Assert.Empty((await discovery.DiscoverAsync(config)).Active);
        Assert.Contains("timeout after 1s", Assert.Single(_observer.Drain()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BasicAuthIsSentAsForAScrape()
    {
        _server.Route("/private", context =>
        {
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("sd:s3cr3t"));
            context.Response.StatusCode = context.Request.Headers.Authorization.ToString() == expected ? 200 : 401;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("""[{"targets": ["a:1"]}]""");
        });
        using var discovery = new TargetDiscovery(_observer, _clock);
        var good = FederationConfig.Parse($"scrape_configs:\n  - job_name: node\n    http_sd_configs:\n      - url: '{_server.BaseAddress}/private'\n        basic_auth:\n          username: sd\n          password: s3cr3t\n");
        Assert.Equal("a:1", Instances(await discovery.DiscoverAsync(good)));
        var wrong = FederationConfig.Parse($"scrape_configs:\n  - job_name: other\n    http_sd_configs:\n      - url: '{_server.BaseAddress}/private'\n        basic_auth:\n          username: sd\n          password: wrong\n");
        Assert.Empty((await discovery.DiscoverAsync(wrong)).Active);
        var reported = Assert.Single(_observer.Drain());
        Assert.Contains("server returned HTTP status 401", reported, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", reported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialsInTheUrlAreSentAsBasicAuthAndNeverShown()
    {
        _server.Route("/private", context =>
        {
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("sd:s3cr3t"));
            context.Response.StatusCode = context.Request.Headers.Authorization.ToString() == expected ? 200 : 401;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("""[{"targets": ["a:1", "not valid"]}]""");
        });
        using var discovery = new TargetDiscovery(_observer, _clock);
        var url = _server.BaseAddress.Replace("http://", "http://sd:s3cr3t@", StringComparison.Ordinal) + "/private";
        var found = await discovery.DiscoverAsync(Config(url));

        Assert.Equal("a:1", Instances(found));
        Assert.Equal(url, found.Active[0].DiscoveredLabels.Get("__meta_url")); // as written, as in Prometheus
        var skipped = Assert.Single(_observer.Drain());
        Assert.Contains($"in group {_server.BaseAddress}/private:0", skipped, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", skipped, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MutualTlsUsesTheConfiguredCaAndClientCertificate()
    {
        await using var mtls = await LoopbackKestrel.StartAsync(_pki.Server, requireClientCa: _pki.Ca);
        mtls.Route("/sd", context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("""[{"targets": ["a:1"]}]""");
        });
        string Job(string name, string ca) =>
            $"  - job_name: {name}\n    http_sd_configs:\n      - url: '{mtls.BaseAddress}/sd'\n        tls_config:\n          ca_file: '{ca}'\n          cert_file: '{_pki.ClientCertFile}'\n          key_file: '{_pki.ClientKeyFile}'\n";
        using var discovery = new TargetDiscovery(_observer, _clock);
        var found = await discovery.DiscoverAsync(FederationConfig.Parse("scrape_configs:\n" + Job("right", _pki.CaFile) + Job("wrong", _pki.OtherCaFile)));

        Assert.Equal("right", Assert.Single(found.Active).Job.JobName);
        Assert.Equal("fedfn test client", Assert.Single(mtls.Requests).ClientSubject);
        Assert.Contains("SSL connection could not be established", Assert.Single(_observer.Drain()), StringComparison.Ordinal);
        Assert.Equal(["wrong"], found.UncertainJobs);
    }
}
