using FedFunctions.Core.Configuration;
using FedFunctions.TestSupport;

namespace FedFunctions.Core.Tests.Configuration;

// Load-time validation of file_sd_configs, http_sd_configs, target_limit and keep_dropped_targets: refused with
// file, line and key, and the verdict compared with `promtool check config` (2.42) where that version knows the keys.
public sealed class DiscoveryConfigTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fedfn-sdcfg-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Config(string jobYaml) => $"scrape_configs:\n  - job_name: j\n{jobYaml}";

    private string Write(string yaml)
    {
        var path = Path.Combine(_dir.FullName, Guid.NewGuid().ToString("N") + ".yml");
        File.WriteAllText(path, yaml);
        return path;
    }

    public static TheoryData<string, bool> KnownToPrometheus242 => new()
    {
        { "    file_sd_configs:\n      - files: ['targets/*.json', 'more.yml']\n        refresh_interval: 30s\n", true },
        { "    file_sd_configs:\n      - files: ['targets/node-?.yaml', 'x[0-9].JSON']\n", true },
        { "    http_sd_configs:\n      - url: 'http://127.0.0.1:8080/sd'\n        refresh_interval: 15s\n        basic_auth:\n          username: u\n          password: s3cr3t\n", true },
        { "    target_limit: 10\n    static_configs:\n      - targets: ['a:1']\n", true },
        { "    file_sd_configs:\n      - files: ['targets/*/x.json']\n", false },
        { "    file_sd_configs:\n      - files: ['targets.txt']\n", false },
        { "    file_sd_configs:\n      - files: ['a*b*.json']\n", true },
        { "    file_sd_configs:\n      - files: []\n", false },
        { "    file_sd_configs:\n      - files: ['a.json']\n        refresh: 1m\n", false },
        { "    http_sd_configs:\n      - refresh_interval: 15s\n", false },
        { "    http_sd_configs:\n      - url: 'ftp://127.0.0.1/sd'\n", false },
        { "    target_limit: -1\n", false },
        { "    kubernetes_sd_configs:\n      - role: pod\n", false },
    };

    [Theory]
    [MemberData(nameof(KnownToPrometheus242))]
    public void VerdictMatchesPromtool(string jobYaml, bool valid)
    {
        var path = Write(Config(jobYaml));

        var ours = Record.Exception(() => FederationConfig.Load(path));
        var (promtoolValid, output) = Promtool.CheckConfigSyntax(path);

        Assert.Equal(valid, promtoolValid);
        Assert.True(valid == (ours is null), $"ours: {ours?.Message ?? "valid"}; promtool: {output}");
        if (ours is not null) Assert.DoesNotContain("s3cr3t", ours.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string, int> Refused => new()
    {
        { "    file_sd_configs:\n      - files: ['targets/*/x.json']\n", "files", "path name \"targets/*/x.json\" is not valid for file discovery in scrape_configs[0].file_sd_configs[0]", 4 },
        { "    file_sd_configs:\n      - files: ['t?/x.json']\n", "files", "invalid pattern \"t?/x.json\" in scrape_configs[0].file_sd_configs[0]: wildcards are only supported in the file name", 4 },
        { "    file_sd_configs:\n      - files: ['x[.json']\n", "files", "invalid pattern \"x[.json\" in scrape_configs[0].file_sd_configs[0]: syntax error in pattern", 4 },
        { "    file_sd_configs:\n      - files: []\n", "files", "file service discovery config must contain at least one path name in scrape_configs[0].file_sd_configs[0]", 4 },
        { "    file_sd_configs:\n      - files: ['a.json']\n        refresh_interval: soon\n", "refresh_interval", "invalid duration \"soon\" for \"refresh_interval\"", 5 },
        { "    http_sd_configs:\n      - refresh_interval: 15s\n", "url", "URL is missing in scrape_configs[0].http_sd_configs[0]", 4 },
        { "    http_sd_configs:\n      - url: 'ftp://127.0.0.1/sd'\n", "url", "URL scheme must be 'http' or 'https' in scrape_configs[0].http_sd_configs[0]", 4 },
        { "    http_sd_configs:\n      - url: 'not a url'\n", "url", "URL scheme must be 'http' or 'https'", 4 },
        { "    http_sd_configs:\n      - url: 'http://127.0.0.1/sd'\n        tls_config:\n          cert_file: missing.pem\n", "cert_file", "cert_file \"missing.pem\" in tls_config in scrape_configs[0].http_sd_configs[0] does not exist", 6 },
        { "    http_sd_configs:\n      - url: 'http://u:s3cr3t@127.0.0.1/sd'\n        oauth2:\n          client_id: x\n", "token_url", "oauth2 token_url must be configured", 6 },
        { "    http_sd_configs:\n      - url: 'http://127.0.0.1/sd'\n        scheme: https\n", "scheme", "unknown key \"scheme\" in scrape_configs[0].http_sd_configs[0]", 5 },
        // Prometheus 2.42 does not validate an SD's HTTP client settings at load; fed-functions does, as for a job.
        { "    http_sd_configs:\n      - url: 'http://127.0.0.1/sd'\n        basic_auth:\n          username: u\n        bearer_token: s3cr3t\n", "bearer_token", "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured in scrape_configs[0].http_sd_configs[0]", 7 },
        { "    keep_dropped_targets: many\n", "keep_dropped_targets", "invalid integer \"many\" for \"keep_dropped_targets\" in scrape_configs[0]", 3 },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void RefusedAtLoadWithKeyAndLine(string jobYaml, string key, string expected, int line)
    {
        var path = Write(Config(jobYaml));
        var ex = Assert.Throws<ConfigException>(() => FederationConfig.Load(path));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{path}:{line}: ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(key, ex.Key);
        Assert.DoesNotContain("s3cr3t", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kubernetes_sd_configs")]
    [InlineData("azure_sd_configs")]
    [InlineData("consul_sd_configs")]
    [InlineData("dns_sd_configs")]
    [InlineData("ec2_sd_configs")]
    [InlineData("docker_sd_configs")]
    [InlineData("eureka_sd_configs")]
    public void OtherDiscoveryKindsAreRejectedByName(string key)
    {
        var ex = Assert.Throws<ConfigException>(() => FederationConfig.Parse(Config($"    {key}:\n      - {{}}\n")));
        Assert.Equal($"config:3: unsupported service discovery \"{key}\" in scrape_configs[0] (fed-functions supports static_configs, file_sd_configs and http_sd_configs)", ex.Message);
        Assert.Equal(key, ex.Key);
    }

    [Fact]
    public void DiscoveryKeysAreReadWithPrometheusDefaults()
    {
        var config = FederationConfig.Parse(Config(
            "    target_limit: 5\n    keep_dropped_targets: 2\n    file_sd_configs:\n      - files: ['/sd/*.json']\n    http_sd_configs:\n      - url: 'http://127.0.0.1:1/sd'\n        proxy_url: 'http://127.0.0.1:3128'\n"));
        var job = Assert.Single(config.ScrapeConfigs);
        Assert.Equal(5, job.TargetLimit);
        Assert.Equal(2, job.KeepDroppedTargets);
        Assert.True(job.HasDiscovery);
        var file = Assert.Single(job.FileSdConfigs);
        Assert.Equal(["/sd/*.json"], file.Files);
        Assert.Equal(TimeSpan.FromMinutes(5), file.RefreshInterval);
        var http = Assert.Single(job.HttpSdConfigs);
        Assert.Equal(TimeSpan.FromSeconds(60), http.RefreshInterval);
        Assert.Equal(new Uri("http://127.0.0.1:3128"), http.Http.Proxy!.ProxyUrl);
        Assert.Empty(config.Targets());
    }

    [Fact]
    public void RelativeFilePatternsAreRelativeToTheConfigFile()
    {
        var path = Write(Config("    file_sd_configs:\n      - files: ['sd/*.yml']\n"));
        var job = Assert.Single(FederationConfig.Load(path).ScrapeConfigs);
        Assert.Equal([Path.Combine(_dir.FullName, "sd", "*.yml")], job.FileSdConfigs[0].Files);
    }

    [Fact]
    public void ScrapeIntervalAndTimeoutMetaLabelsSetAStaticTargetsTiming()
    {
        var config = FederationConfig.Parse(Config(
            "    scrape_interval: 1m\n    relabel_configs:\n      - source_labels: [__address__]\n        regex: 'fast:.*'\n        target_label: __scrape_interval__\n        replacement: 15s\n      - source_labels: [__address__]\n        regex: 'fast:.*'\n        target_label: __scrape_timeout__\n        replacement: 5s\n    static_configs:\n      - targets: ['fast:1', 'slow:1']\n"));
        var targets = config.Targets();
        Assert.Equal((TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(5)), (targets[0].ScrapeInterval, targets[0].ScrapeTimeout));
        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10)), (targets[1].ScrapeInterval, targets[1].ScrapeTimeout));
        Assert.Equal("1m", targets[1].DiscoveredLabels.Get("__scrape_interval__"));
    }

    [Theory]
    [InlineData("__scrape_interval__", "soon", "error parsing scrape interval: not a valid duration string: \"soon\"")]
    [InlineData("__scrape_interval__", "0s", "scrape interval cannot be 0")]
    [InlineData("__scrape_timeout__", "0s", "scrape timeout cannot be 0")]
    [InlineData("__scrape_timeout__", "2m", "scrape timeout cannot be greater than scrape interval (\"2m\" > \"1m\")")]
    public void AStaticTargetWithBadTimingFailsTheLoad(string label, string value, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => FederationConfig.Parse(Config(
            $"    relabel_configs:\n      - target_label: {label}\n        replacement: '{value}'\n    static_configs:\n      - targets: ['a:1']\n")));
        Assert.Contains($"invalid target \"a:1\" in job \"j\": {expected}", ex.Message, StringComparison.Ordinal);
    }
}
