using FedFunctions.Core.Configuration;
using FedFunctions.Core.Scraping;
using FedFunctions.Core.Scraping.Http;

namespace FedFunctions.Core.Tests.Scraping;

// proxy_url, no_proxy and proxy_connect_header through a real loopback proxy.
public sealed class ScraperProxyTests : IAsyncLifetime
{
    private static readonly HttpClient SharedClient = Scraper.CreateHttpClient();
    private readonly TestPki _pki = new();
    private readonly RecordingProxy _proxy = new();
    private LoopbackKestrel _http = null!;
    private LoopbackKestrel _https = null!;

    public async Task InitializeAsync()
    {
        _http = await LoopbackKestrel.StartAsync();
        _https = await LoopbackKestrel.StartAsync(_pki.Server);
        _http.ServeText("/metrics", "plain_metric 1\n");
        _https.ServeText("/metrics", "tls_metric 2\n");
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _http.DisposeAsync();
        await _https.DisposeAsync();
        _pki.Dispose();
    }

    private static ScrapeTarget Target(string address, string jobYaml, string scheme = "http") =>
        FederationConfig.Parse($"scrape_configs:\n  - job_name: proxied\n    scheme: {scheme}\n{jobYaml}    static_configs:\n      - targets: ['{address}']\n")
            .Targets().Single();

    [Fact]
    public async Task PlainHttpGoesThroughTheProxyInAbsoluteForm()
    {
        var snapshot = await new Scraper(SharedClient).ScrapeAsync(Target(_http.HostPort, $"    proxy_url: '{_proxy.Url}'\n"));

        Assert.True(snapshot.Up, snapshot.Error);
        Assert.Equal($"GET http://{_http.HostPort}/metrics HTTP/1.1", Assert.Single(_proxy.Seen).RequestLine);
    }

    [Fact]
    public async Task HttpsIsTunnelledWithConnectAndItsHeaders()
    {
        var job = $"    proxy_url: '{_proxy.Url}'\n    proxy_connect_header:\n      X-Proxy-Token: [p1]\n    tls_config:\n      ca_file: '{_pki.CaFile}'\n";

        var snapshot = await new Scraper(SharedClient).ScrapeAsync(Target(_https.HostPort, job, "https"));

        Assert.True(snapshot.Up, snapshot.Error);
        var (line, headers) = Assert.Single(_proxy.Seen);
        Assert.Equal($"CONNECT {_https.HostPort} HTTP/1.1", line);
        Assert.Equal("p1", headers["X-Proxy-Token"]);
        Assert.Single(_https.Requests); // the target answered through the tunnel
    }

    [Fact]
    public async Task NoProxyBypassesTheProxy()
    {
        var snapshot = await new Scraper(SharedClient).ScrapeAsync(Target(_http.HostPort, $"    proxy_url: '{_proxy.Url}'\n    no_proxy: 127.0.0.1\n"));

        Assert.True(snapshot.Up, snapshot.Error);
        Assert.Empty(_proxy.Seen);
        Assert.Single(_http.Requests);
    }

    [Theory]
    [InlineData("example.com", "example.com", 80, false)]
    [InlineData("example.com", "api.example.com", 80, false)]
    [InlineData(".example.com", "api.example.com", 80, false)]
    [InlineData("example.com", "example.org", 80, true)]
    [InlineData("10.0.0.0/8", "10.1.2.3", 80, false)]
    [InlineData("10.0.0.0/8", "11.1.2.3", 80, true)]
    [InlineData("10.1.2.3", "10.1.2.3", 9100, false)]
    [InlineData("example.com:9100", "example.com", 9100, false)]
    [InlineData("example.com:9100", "example.com", 9200, true)]
    [InlineData("*", "anything.example", 80, false)]
    [InlineData("other.example", "localhost", 80, false)] // loopback is never proxied with no_proxy rules
    [InlineData("other.example", "127.0.0.1", 80, false)]
    public void NoProxyListMatchesLikeGo(string list, string host, int port, bool useProxy) =>
        Assert.Equal(useProxy, new NoProxyList(list).UseProxy(host, port));

    [Fact]
    public void ProxyFromEnvironmentReadsTheVariables()
    {
        var env = new Dictionary<string, string> { ["HTTP_PROXY"] = "http://proxy.example:3128", ["https_proxy"] = "secure.example:8443", ["NO_PROXY"] = "internal.example" };
        var route = new ProxyRoute(new ProxySettings { FromEnvironment = true }, name => env.GetValueOrDefault(name));

        Assert.Equal(new Uri("http://proxy.example:3128"), route.ProxyFor(new Uri("http://node.example/metrics")));
        Assert.Equal(new Uri("http://secure.example:8443"), route.ProxyFor(new Uri("https://node.example/metrics")));
        Assert.Null(route.ProxyFor(new Uri("http://a.internal.example/metrics")));
    }
}
