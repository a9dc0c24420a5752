using FedFunctions.Core.Configuration;
using FedFunctions.Core.Model;
using FedFunctions.Core.Scraping;

namespace FedFunctions.Core.Tests.Scraping;

// tls_config, enable_http2, http_headers and the per-config client cache, against real HTTPS Kestrel servers.
public sealed class ScraperTlsTests : IAsyncLifetime
{
    private static readonly HttpClient SharedClient = Scraper.CreateHttpClient();
    private readonly TestPki _pki = new();
    private LoopbackKestrel _https = null!;
    private LoopbackKestrel _mtls = null!;

    public async Task InitializeAsync()
    {
        _https = await LoopbackKestrel.StartAsync(_pki.Server);
        _mtls = await LoopbackKestrel.StartAsync(_pki.Server, requireClientCa: _pki.Ca);
        _https.ServeText("/metrics", "tls_metric 42\n");
        _mtls.ServeText("/metrics", "mtls_metric 7\n");
    }

    public async Task DisposeAsync()
    {
        await _https.DisposeAsync();
        await _mtls.DisposeAsync();
        _pki.Dispose();
    }

    internal static ScrapeTarget Target(string address, string jobYaml, string job = "tls") =>
        FederationConfig.Parse($"scrape_configs:\n  - job_name: {job}\n    scheme: https\n{jobYaml}    static_configs:\n      - targets: ['{address}']\n")
            .Targets().Single();

    private static double Value(TargetSnapshot snapshot, string name) => snapshot.Samples.Single(s => s.Labels.MetricName == name).Value;

    [Fact]
    public async Task CustomCaFileVerifiesTheTarget()
    {
        var snapshot = await new Scraper(SharedClient).ScrapeAsync(Target(_https.HostPort, $"    tls_config:\n      ca_file: '{_pki.CaFile}'\n"));

        Assert.True(snapshot.Up, snapshot.Error);
        Assert.Equal(42, Value(snapshot, "tls_metric"));
    }

    [Fact]
    public async Task WrongCaIsDownWithATlsError()
    {
        var snapshot = await new Scraper(SharedClient).ScrapeAsync(Target(_https.HostPort, $"    tls_config:\n      ca_file: '{_pki.OtherCaFile}'\n"));

        Assert.False(snapshot.Up);
        Assert.Equal(0, Value(snapshot, "up"));
        Assert.Contains("SSL connection could not be established", snapshot.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutCaTheSystemRootsRejectTheTestCa()
    {
        var snapshot = await new Scraper(SharedClient).ScrapeAsync(Target(_https.HostPort, ""));

        Assert.False(snapshot.Up);
    }

    [Fact]
    public async Task InsecureSkipVerifyAcceptsAnyCertificate()
    {
        var snapshot = await new Scraper(SharedClient).ScrapeAsync(Target(_https.HostPort, "    tls_config:\n      insecure_skip_verify: true\n"));

        Assert.True(snapshot.Up, snapshot.Error);
    }

    [Fact]
    public async Task InlineCaAndServerNameDecideVerification()
    {
        var ca = string.Join("\n", _pki.Ca.ExportCertificatePem().Split('\n').Select(l => "        " + l));
        var good = Target(_https.HostPort, $"    tls_config:\n      server_name: localhost\n      ca: |\n{ca}\n");
        var wrongName = Target(_https.HostPort, $"    tls_config:\n      server_name: other.example\n      ca: |\n{ca}\n");
        var scraper = new Scraper(SharedClient);

        Assert.True((await scraper.ScrapeAsync(good)).Up);
        Assert.False((await scraper.ScrapeAsync(wrongName)).Up);
    }

    [Fact]
    public async Task ClientCertificateIsPresentedWhenTheTargetDemandsOne()
    {
        var scraper = new Scraper(SharedClient);
        var without = await scraper.ScrapeAsync(Target(_mtls.HostPort, $"    tls_config:\n      ca_file: '{_pki.CaFile}'\n", "no-cert"));
        var with = await scraper.ScrapeAsync(Target(_mtls.HostPort,
            $"    tls_config:\n      ca_file: '{_pki.CaFile}'\n      cert_file: '{_pki.ClientCertFile}'\n      key_file: '{_pki.ClientKeyFile}'\n", "cert"));

        Assert.False(without.Up);
        Assert.True(with.Up, with.Error);
        Assert.Equal(7, Value(with, "mtls_metric"));
        Assert.Contains(_mtls.Requests, r => r.ClientSubject == "fedfn test client");
    }

    [Fact]
    public async Task RotatedCaFileAppliesWithoutRestart()
    {
        var caFile = _pki.Write("rotating-ca.pem", _pki.OtherCa.ExportCertificatePem());
        var target = Target(_https.HostPort, $"    tls_config:\n      ca_file: '{caFile}'\n");
        var scraper = new Scraper(SharedClient);

        var before = await scraper.ScrapeAsync(target);
        await File.WriteAllTextAsync(caFile, _pki.Ca.ExportCertificatePem());
        var after = await scraper.ScrapeAsync(target);
        var again = await scraper.ScrapeAsync(target);

        Assert.False(before.Up);
        Assert.True(after.Up, after.Error);
        Assert.True(again.Up, again.Error);
        Assert.Equal(2, scraper.ClientBuilds); // one per file content, not one per scrape
    }

    [Fact]
    public async Task OneClientPerDistinctConfigReusedAcrossScrapes()
    {
        var tls = $"    tls_config:\n      ca_file: '{_pki.CaFile}'\n";
        var scraper = new Scraper(SharedClient);

        for (var i = 0; i < 3; i++) Assert.True((await scraper.ScrapeAsync(Target(_https.HostPort, tls, "a"))).Up);
        Assert.True((await scraper.ScrapeAsync(Target(_https.HostPort, tls, "b"))).Up); // same settings, other job
        Assert.Equal(1, scraper.ClientBuilds);

        Assert.True((await scraper.ScrapeAsync(Target(_https.HostPort, tls + "    enable_http2: false\n", "c"))).Up);
        Assert.Equal(2, scraper.ClientBuilds);
    }

    [Fact]
    public async Task EnableHttp2DecidesTheProtocol()
    {
        var tls = $"    tls_config:\n      ca_file: '{_pki.CaFile}'\n";
        var scraper = new Scraper(SharedClient);

        await scraper.ScrapeAsync(Target(_https.HostPort, tls, "h2"));
        await scraper.ScrapeAsync(Target(_https.HostPort, tls + "    enable_http2: false\n", "h1"));

        Assert.Equal(["HTTP/2", "HTTP/1.1"], _https.Requests.Select(r => r.Protocol));
    }

    [Fact]
    public async Task TlsVersionRangeIsApplied()
    {
        var scraper = new Scraper(SharedClient);
        var tls = $"    tls_config:\n      ca_file: '{_pki.CaFile}'\n";

        var tls13 = await scraper.ScrapeAsync(Target(_https.HostPort, tls + "      min_version: TLS13\n", "tls13"));
        var inverted = await scraper.ScrapeAsync(Target(_https.HostPort, tls + "      min_version: TLS13\n      max_version: TLS12\n", "inverted"));

        Assert.True(tls13.Up, tls13.Error);
        Assert.False(inverted.Up);
        Assert.Equal("tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified", inverted.Error);
    }

    [Fact]
    public async Task HttpHeadersAreAddedFromValuesSecretsAndFiles()
    {
        var file = _pki.Write("header-secret", "from-file\n");
        var target = Target(_https.HostPort, $"    tls_config:\n      ca_file: '{_pki.CaFile}'\n    http_headers:\n      X-Team:\n        values: [infra]\n        secrets: [hidden]\n        files: ['{file}']\n");

        var snapshot = await new Scraper(SharedClient).ScrapeAsync(target);

        Assert.True(snapshot.Up, snapshot.Error);
        // One header, its values in order (HTTP joins them with ", ").
        var values = Assert.Single(_https.Requests).Headers["X-Team"].SelectMany(v => (v ?? "").Split(", "));
        Assert.Equal(["infra", "hidden", "from-file"], values);
    }
}
