using FedFunctions.Core.Configuration;
using FedFunctions.Core.Tests.Scraping;
using FedFunctions.TestSupport;

namespace FedFunctions.Core.Tests.Configuration;

// Load-time validation of tls_config, oauth2, proxy keys and http_headers: refused with file, line and key,
// and the verdict compared with the real `promtool check config` (2.42) where that version knows the keys.
public sealed class HttpClientConfigTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fedfn-httpcfg-");

    public void Dispose()
    {
        _pki.Dispose();
        _dir.Delete(recursive: true);
    }

    private static string Config(string jobYaml) =>
        $"scrape_configs:\n  - job_name: j\n{jobYaml}    static_configs:\n      - targets: ['127.0.0.1:9100']\n";

    private string Write(string yaml)
    {
        var path = Path.Combine(_dir.FullName, Guid.NewGuid().ToString("N") + ".yml");
        File.WriteAllText(path, yaml);
        return path;
    }

    // Jobs Prometheus 2.42 knows: promtool's verdict must equal ours.
    public static TheoryData<string, bool> KnownToPrometheus242 => new()
    {
        { "    tls_config:\n      ca_file: '{ca}'\n      cert_file: '{cert}'\n      key_file: '{key}'\n      server_name: localhost\n      min_version: TLS12\n      max_version: TLS13\n", true },
        { "    tls_config:\n      insecure_skip_verify: true\n", true },
        { "    proxy_url: 'http://127.0.0.1:3128'\n    enable_http2: false\n    follow_redirects: false\n", true },
        { "    oauth2:\n      client_id: id\n      client_secret: s3cr3t\n      token_url: 'http://127.0.0.1:1/token'\n      scopes: [a]\n      endpoint_params: {audience: x}\n      tls_config:\n        ca_file: '{ca}'\n      proxy_url: 'http://127.0.0.1:3128'\n", true },
        { "    tls_config:\n      cert_file: '{cert}'\n", false },
        { "    tls_config:\n      key_file: '{key}'\n", false },
        { "    tls_config:\n      min_version: TLS14\n", false },
        { "    oauth2:\n      client_secret: s3cr3t\n      token_url: 'http://127.0.0.1:1/token'\n", false },
        { "    oauth2:\n      client_id: id\n      client_secret: s3cr3t\n", false },
        { "    oauth2:\n      client_id: id\n      client_secret: s3cr3t\n      client_secret_file: '{ca}'\n      token_url: 'http://127.0.0.1:1/token'\n", false },
        { "    basic_auth:\n      username: u\n    oauth2:\n      client_id: id\n      client_secret: s3cr3t\n      token_url: 'http://127.0.0.1:1/token'\n", false },
    };

    private string Fill(string jobYaml) =>
        jobYaml.Replace("{ca}", _pki.CaFile, StringComparison.Ordinal).Replace("{cert}", _pki.ClientCertFile, StringComparison.Ordinal)
            .Replace("{key}", _pki.ClientKeyFile, StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(KnownToPrometheus242))]
    public void VerdictMatchesPromtool(string jobYaml, bool valid)
    {
        var path = Write(Config(Fill(jobYaml)));

        var ours = Record.Exception(() => FederationConfig.Load(path));
        var (promtoolValid, output) = Promtool.CheckConfigSyntax(path);

        Assert.Equal(valid, promtoolValid);
        Assert.True(valid == (ours is null), $"ours: {ours?.Message ?? "valid"}; promtool: {output}");
        if (ours is not null) Assert.DoesNotContain("s3cr3t", ours.Message, StringComparison.Ordinal);
    }

    // Checks fed-functions makes at load (some only newer Prometheus versions know, some Prometheus makes at first use).
    public static TheoryData<string, string, string, int> Refused => new()
    {
        { "    tls_config:\n      ca_file: missing.pem\n", "ca_file", "ca_file \"missing.pem\" in tls_config in scrape_configs[0] does not exist", 4 },
        { "    tls_config:\n      ca_file: '{bad}'\n", "ca_file", "unable to use specified CA cert file", 4 },
        { "    tls_config:\n      ca: not a pem\n", "ca", "unable to use specified CA cert inline in tls_config in scrape_configs[0]", 4 },
        { "    tls_config:\n      cert_file: '{cert}'\n      key_file: '{bad}'\n", "cert_file", "unable to use specified client cert", 4 },
        { "    tls_config:\n      ca: x\n      ca_file: '{ca}'\n", "ca", "at most one of ca, ca_file & ca_ref must be configured", 5 },
        { "    tls_config:\n      key: x\n      key_file: '{key}'\n      cert_file: '{cert}'\n", "key", "at most one of key and key_file must be configured", 5 },
        { "    tls_config:\n      cert_file: '{cert}'\n", "cert_file", "exactly one of key or key_file must be configured when a client certificate is configured", 4 },
        { "    no_proxy: example.com\n", "no_proxy", "if no_proxy is configured, proxy_url must also be configured in scrape_configs[0]", 3 },
        { "    proxy_from_environment: true\n    proxy_url: 'http://127.0.0.1:3128'\n", "proxy_url", "if proxy_from_environment is configured, proxy_url must not be configured", 4 },
        { "    proxy_from_environment: true\n    no_proxy: example.com\n", "no_proxy", "if proxy_from_environment is configured, no_proxy must not be configured", 4 },
        { "    proxy_connect_header:\n      X-A: [b]\n", "proxy_connect_header", "if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured", 4 },
        { "    proxy_url: '::nope'\n", "proxy_url", "invalid proxy_url in scrape_configs[0]: must be an absolute http or https URL", 3 },
        { "    proxy_url: 'ftp://user:s3cr3t@proxy.example'\n", "proxy_url", "invalid proxy_url in scrape_configs[0]", 3 },
        { "    http_headers:\n      user-agent:\n        values: [x]\n", "http_headers", "setting header \"User-Agent\" is not allowed", 4 },
        { "    oauth2:\n      client_id: id\n      client_secret_file: missing-secret\n      token_url: 'http://127.0.0.1:1/token'\n", "client_secret_file", "client_secret_file \"missing-secret\" in oauth2 in scrape_configs[0] does not exist", 5 },
        { "    oauth2:\n      client_id: id\n      token_url: 'http://127.0.0.1:1/token'\n      tls_config:\n        min_version: TLS9\n", "min_version", "unknown TLS version: TLS9", 7 },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void RefusedAtLoadWithKeyAndLine(string jobYaml, string key, string message, int line)
    {
        var bad = Path.Combine(_dir.FullName, "bad.pem");
        File.WriteAllText(bad, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        var path = Write(Config(Fill(jobYaml).Replace("{bad}", bad, StringComparison.Ordinal)));

        var ex = Assert.Throws<ConfigException>(() => FederationConfig.Load(path));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{path}:{line}: ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(key, ex.Key);
        Assert.DoesNotContain("s3cr3t", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void SettingsAreReadWithDefaults()
    {
        var job = FederationConfig.Parse(Config(Fill(
            "    tls_config:\n      ca_file: '{ca}'\n      server_name: localhost\n    proxy_url: 'http://127.0.0.1:3128'\n    no_proxy: 10.0.0.0/8\n")), "config").ScrapeConfigs[0];
        var plain = FederationConfig.Parse(Config("")).ScrapeConfigs[0];

        Assert.Same(HttpClientSettings.Default, plain.Http);
        Assert.True(job.Http.EnableHttp2);
        Assert.True(job.Http.FollowRedirects);
        Assert.Equal(_pki.CaFile, job.Http.Tls!.CaFile);
        Assert.Equal(System.Security.Authentication.SslProtocols.Tls12, job.Http.Tls.MinVersion);
        Assert.Equal("localhost", job.Http.Tls.ServerName);
        Assert.Equal(new Uri("http://127.0.0.1:3128"), job.Http.Proxy!.ProxyUrl);
        Assert.Equal("10.0.0.0/8", job.Http.Proxy.NoProxy);
    }
}
