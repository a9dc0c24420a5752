using FedFunctions.Core.Configuration;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Tests.Configuration;

public sealed class FederationConfigTests
{
    // Bad file -> (expected message substring, expected line), in the style of Prometheus' expectedErrors.
    public static TheoryData<string, string, int> BadConfigs => new()
    {
        { "unknown_job_key.bad.yml", "unknown key \"scrape_intervall\" in scrape_configs[0]", 3 },
        { "unknown_global_key.bad.yml", "unknown key \"query_log_file\" in global", 3 },
        { "unknown_top_level.bad.yml", "unknown key \"scrape_config\" at top level", 1 },
        { "unsupported_remote_write.bad.yml", "unsupported key \"remote_write\" at top level", 1 },
        { "unsupported_sd.bad.yml", "unsupported service discovery \"kubernetes_sd_configs\" in scrape_configs[0] (fed-functions supports static_configs, file_sd_configs and http_sd_configs)", 3 },
        { "unknown_static_key.bad.yml", "unknown key \"target\" in scrape_configs[0].static_configs[0]", 4 },
        { "duplicate_job.bad.yml", "found multiple scrape configs with job name \"node\" (first at line 2)", 5 },
        { "duration_fraction.bad.yml", "invalid duration \"1.5s\" for \"scrape_interval\" in global", 2 },
        { "duration_order.bad.yml", "invalid duration \"30s1m\" for \"scrape_interval\" in scrape_configs[0]", 3 },
        { "duration_unit.bad.yml", "invalid duration \"10x\" for \"scrape_timeout\"", 3 },
        { "timeout_over_interval.bad.yml", "scrape_timeout (10s) greater than scrape_interval (5s) for scrape config with job name \"node\"", 4 },
        { "global_timeout_over_interval.bad.yml", "global scrape_timeout (1m) greater than scrape_interval (15s)", 3 },
        { "job_timeout_over_inherited_interval.bad.yml", "scrape_timeout (20s) greater than scrape_interval (15s)", 5 },
        { "missing_job_name.bad.yml", "job_name is missing or empty in scrape_configs[0]", 2 },
        { "empty_job_name.bad.yml", "job_name is missing or empty in scrape_configs[0]", 2 },
        { "bad_scheme.bad.yml", "invalid scheme \"ftp\" in scrape_configs[0]: must be http or https", 3 },
        { "bad_static_label_name.bad.yml", "\"\" is not a valid label name", 6 },
        { "bad_external_label_name.bad.yml", "\"0region\" is not a valid label name in external_labels in global", 3 },
        { "target_with_scheme.bad.yml", "invalid target \"http://node:9100\" in scrape_configs[0].static_configs[0]: must be host:port without a scheme", 4 },
        { "target_without_port.bad.yml", "invalid target \"node\" in scrape_configs[0].static_configs[0]: missing port", 4 },
        { "target_with_path.bad.yml", "invalid target \"node:9100/metrics\"", 4 },
        { "target_bad_port.bad.yml", "invalid port \"70000\"", 4 },
        { "bad_bool.bad.yml", "invalid boolean \"maybe\" for \"honor_labels\"", 3 },
        { "identical_target_labels.bad.yml", "targets \"a:9100\" and \"b:9100\" in job \"node\" end up with the same labels", 4 },
        { "invalid_yaml.bad.yml", "invalid YAML", 3 },
        { "duplicate_yaml_key.bad.yml", "invalid YAML", 3 },
        { "params_not_list.bad.yml", "\"match[]\" in params in scrape_configs[0] must be a list", 4 },
        { "static_scheme_label.bad.yml", "invalid target \"node:9100\" in job \"node\": invalid scheme \"ftp\"", 4 },
        { "scrape_configs_not_list.bad.yml", "\"scrape_configs\" in the configuration file must be a list", 2 },
        { "relabel_unknown_action.bad.yml", "unknown relabel action \"rename\" in scrape_configs[0].relabel_configs[0]", 5 },
        { "relabel_bad_regex.bad.yml", "invalid regex \"(abc\"", 5 },
        { "relabel_hashmod_no_modulus.bad.yml", "relabel configuration for hashmod requires non-zero modulus in scrape_configs[0].relabel_configs[0]", 4 },
        { "relabel_unknown_key.bad.yml", "unknown key \"target\" in scrape_configs[0].relabel_configs[0]", 5 },
        { "relabel_empty_address.bad.yml", "invalid target \"node:9100\" in job \"node\": no address", 4 },
        { "bad_metrics_path.bad.yml", "invalid metrics_path \"metrics?x=1\"", 3 },
        { "auth_basic_and_bearer.bad.yml", "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured in scrape_configs[0]", 6 },
        { "auth_password_and_file.bad.yml", "at most one of basic_auth password & password_file must be configured in scrape_configs[0]", 6 },
        { "auth_bearer_token_and_file.bad.yml", "at most one of bearer_token & bearer_token_file must be configured", 4 },
        { "auth_authorization_and_bearer.bad.yml", "authorization is not compatible with bearer_token & bearer_token_file", 5 },
        { "auth_authorization_and_basic.bad.yml", "at most one of basic_auth, oauth2 & authorization must be configured", 7 },
        { "auth_type_basic.bad.yml", "authorization type cannot be set to \"basic\", use \"basic_auth\" instead", 4 },
        { "auth_credentials_and_file.bad.yml", "at most one of authorization credentials & credentials_file must be configured", 5 },
        { "auth_missing_credentials_file.bad.yml", "credentials_file \"no-such-secret.txt\" in scrape_configs[0] does not exist", 4 },
        { "auth_missing_password_file.bad.yml", "password_file \"/no/such/dir/password\" in scrape_configs[0] does not exist", 5 },
        { "auth_missing_bearer_token_file.bad.yml", "bearer_token_file \"missing-token\" in scrape_configs[0] does not exist", 3 },
        { "auth_basic_unknown_key.bad.yml", "unknown key \"user\" in basic_auth in scrape_configs[0]", 4 },
        { "auth_password_not_string.bad.yml", "\"password\" in basic_auth in scrape_configs[0] must be a string", 5 },
        { "limit_negative.bad.yml", "invalid integer \"-1\" for \"sample_limit\" in scrape_configs[0]", 3 },
        { "label_limit_not_integer.bad.yml", "invalid integer \"1.5\" for \"label_limit\"", 3 },
        { "body_size_bad_unit.bad.yml", "invalid size \"10XB\" for \"body_size_limit\" in scrape_configs[0]", 3 },
        { "body_size_missing_unit.bad.yml", "invalid size \"1000\" for \"body_size_limit\"", 4 },
        { "global_body_size_limit.bad.yml", "unknown key \"body_size_limit\" in global", 3 },
        { "global_sample_limit.bad.yml", "unknown key \"sample_limit\" in global", 2 },
        { "follow_redirects_bad_bool.bad.yml", "invalid boolean \"sometimes\" for \"follow_redirects\"", 3 },
        { "oauth2_without_token_url.bad.yml", "oauth2 token_url must be configured in oauth2 in scrape_configs[0]", 4 },
    };

    public static TheoryData<string> BadFiles()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(ConfigurationTestPaths.TestData, "*.bad.yml")) data.Add(Path.GetFileName(path));
        return data;
    }

    public static TheoryData<string> GoodFiles()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(ConfigurationTestPaths.TestData, "*.good.yml")) data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void BadConfigIsRejectedWithKeyAndLine(string file, string expected, int line)
    {
        var path = ConfigurationTestPaths.File(file);
        var ex = Assert.Throws<ConfigException>(() => FederationConfig.Load(path));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{path}:{line}: ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(line, ex.Line);
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void EveryBadFileHasAnExpectedError(string file)
    {
        Assert.Contains(BadConfigs, row => (string)row[0] == file);
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadConfigMessagesNeverShowSecrets(string file)
    {
        // Every secret in testdata contains "s3cr3t"; neither the message nor the inner error may show it.
        var ex = Assert.Throws<ConfigException>(() => FederationConfig.Load(ConfigurationTestPaths.File(file)));
        Assert.DoesNotContain("s3cr3t", ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(GoodFiles))]
    public void GoodConfigLoads(string file)
    {
        var config = FederationConfig.Load(ConfigurationTestPaths.File(file));
        Assert.True(config.Global.ScrapeTimeout <= config.Global.ScrapeInterval);
        Assert.All(config.ScrapeConfigs, job => Assert.True(job.ScrapeTimeout <= job.ScrapeInterval));
    }

    [Fact]
    public void UnknownKeyMessageMatchesDocumentedShape()
    {
        var ex = Assert.Throws<ConfigException>(() => FederationConfig.Parse(
            "scrape_configs:\n  - job_name: a\n    scrape_intervall: 15s\n"));
        Assert.Equal("config:3: unknown key \"scrape_intervall\" in scrape_configs[0]", ex.Message);
        Assert.Equal("scrape_intervall", ex.Key);
        Assert.Equal(3, ex.Line);
    }

    [Fact]
    public void FederationDocumentationExampleWorksAsWritten()
    {
        var config = FederationConfig.Load(ConfigurationTestPaths.File("federate.good.yml"));
        var job = Assert.Single(config.ScrapeConfigs);
        Assert.Equal("federate", job.JobName);
        Assert.Equal(TimeSpan.FromSeconds(15), job.ScrapeInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), job.ScrapeTimeout);
        Assert.True(job.HonorLabels);
        Assert.True(job.HonorTimestamps);
        Assert.Equal("/federate", job.MetricsPath);
        Assert.Equal(["{job=\"prometheus\"}", "{__name__=~\"job:.*\"}"], job.Params["match[]"]);

        var targets = config.Targets();
        Assert.Equal(3, targets.Count);
        Assert.Equal(
            "http://source-prometheus-1:9090/federate?match%5B%5D=%7Bjob%3D%22prometheus%22%7D&match%5B%5D=%7B__name__%3D~%22job%3A.%2A%22%7D",
            targets[0].Url.AbsoluteUri);
        Assert.Equal(Labels.Of("instance", "source-prometheus-1:9090", "job", "federate"), targets[0].Labels);
        Assert.Equal(Labels.Of("instance", "source-prometheus-3:9090", "job", "federate"), targets[2].Labels);
        Assert.Same(job, targets[1].Job);
    }

    [Fact]
    public void FullConfigAppliesDefaultsOverridesAndStaticLabels()
    {
        var config = FederationConfig.Load(ConfigurationTestPaths.File("full.good.yml"));
        Assert.Equal(TimeSpan.FromSeconds(30), config.Global.ScrapeInterval);
        Assert.Equal(TimeSpan.FromSeconds(20), config.Global.ScrapeTimeout);
        Assert.Equal(Labels.Of("region", "westeurope", "replica", "a"), config.Global.ExternalLabels);

        var byName = config.ScrapeConfigs.ToDictionary(j => j.JobName);
        Assert.Equal(["node", "prometheus", "short", "meta"], config.ScrapeConfigs.Select(j => j.JobName));
        Assert.Equal(TimeSpan.FromSeconds(30), byName["node"].ScrapeInterval);
        Assert.Equal(TimeSpan.FromSeconds(20), byName["node"].ScrapeTimeout);
        Assert.Equal("/metrics", byName["node"].MetricsPath);
        Assert.Equal("http", byName["node"].Scheme);
        Assert.False(byName["node"].HonorLabels);
        Assert.Equal(TimeSpan.FromMinutes(90), byName["prometheus"].ScrapeInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), byName["prometheus"].ScrapeTimeout);
        Assert.False(byName["prometheus"].HonorTimestamps);
        // Interval below the inherited timeout: timeout = interval.
        Assert.Equal(TimeSpan.FromSeconds(5), byName["short"].ScrapeTimeout);
        Assert.Empty(byName["short"].StaticConfigs);

        var targets = config.Targets();
        Assert.Equal(
            [
                "http://node-1:9100/metrics", "http://node-2:9100/metrics", "http://[::1]:9100/metrics",
                "https://prom:9090/custom/metrics", "http://meta:8080/from-label?module=http_2xx",
            ],
            targets.Select(t => t.Url.AbsoluteUri));
        Assert.Equal(Labels.Of("env", "prod", "instance", "node-1:9100", "job", "node"), targets[0].Labels);
        Assert.Equal(Labels.Of("instance", "[::1]:9100", "job", "node"), targets[2].Labels);
        // Static labels override the defaults for job and instance.
        Assert.Equal(Labels.Of("instance", "my-prometheus", "job", "renamed"), targets[3].Labels);
        // Meta labels shape the URL and never reach the target labels.
        Assert.Equal(Labels.Of("instance", "meta:8080", "job", "meta"), targets[4].Labels);
    }

    [Theory]
    [InlineData("", 60, 10)]
    [InlineData("global:\n  scrape_interval: 5s\n", 5, 5)]
    [InlineData("global:\n  scrape_interval: 10s\n", 10, 10)]
    [InlineData("global:\n  scrape_interval: 2m\n", 120, 10)]
    [InlineData("global:\n  scrape_interval: 2m\n  scrape_timeout: 2m\n", 120, 120)]
    [InlineData("global:\n  scrape_interval: 0s\n", 60, 10)]
    public void GlobalDefaultsFollowPrometheus(string yaml, int intervalSeconds, int timeoutSeconds)
    {
        var config = FederationConfig.Parse(yaml);
        Assert.Equal(TimeSpan.FromSeconds(intervalSeconds), config.Global.ScrapeInterval);
        Assert.Equal(TimeSpan.FromSeconds(timeoutSeconds), config.Global.ScrapeTimeout);
    }

    [Theory]
    [InlineData("", "", 60, 10)]
    [InlineData("", "    scrape_interval: 3s\n", 3, 3)]
    [InlineData("global:\n  scrape_timeout: 30s\n", "    scrape_interval: 15s\n", 15, 15)]
    [InlineData("global:\n  scrape_timeout: 30s\n", "", 60, 30)]
    [InlineData("global:\n  scrape_interval: 15s\n", "    scrape_interval: 1m\n", 60, 10)]
    [InlineData("", "    scrape_timeout: 1m\n", 60, 60)]
    public void JobInheritsFromGlobal(string global, string job, int intervalSeconds, int timeoutSeconds)
    {
        var config = FederationConfig.Parse(global + "scrape_configs:\n  - job_name: j\n" + job);
        var parsed = Assert.Single(config.ScrapeConfigs);
        Assert.Equal(TimeSpan.FromSeconds(intervalSeconds), parsed.ScrapeInterval);
        Assert.Equal(TimeSpan.FromSeconds(timeoutSeconds), parsed.ScrapeTimeout);
    }

    [Fact]
    public void LimitsAuthAndRedirectsAreRead()
    {
        var config = FederationConfig.Load(ConfigurationTestPaths.File("auth_limits.good.yml"));
        var byName = config.ScrapeConfigs.ToDictionary(j => j.JobName);
        var secretFile = ConfigurationTestPaths.File("secret.txt");

        var basic = byName["basic"];
        Assert.Equal((1000L, 30L, 200L, 1024L, 10L << 20), (basic.SampleLimit, basic.LabelLimit, basic.LabelNameLengthLimit, basic.LabelValueLengthLimit, basic.BodySizeLimitBytes));
        Assert.False(basic.FollowRedirects);
        Assert.True(basic.Authorization!.IsBasic);
        Assert.Null(basic.Authorization.SecretFile);
        Assert.Equal("Basic <secret>", basic.Authorization.ToString());

        var basicFile = byName["basic_file"];
        Assert.Equal(1L << 30, basicFile.BodySizeLimitBytes);
        Assert.True(basicFile.FollowRedirects);
        Assert.Equal(secretFile, basicFile.Authorization!.SecretFile);
        // Defaults: no limits.
        Assert.Equal((0L, 0L, 0L, 0L), (basicFile.SampleLimit, basicFile.LabelLimit, basicFile.LabelNameLengthLimit, basicFile.LabelValueLengthLimit));

        Assert.Equal(("Token", false, secretFile), (byName["authz"].Authorization!.Type, byName["authz"].Authorization!.IsBasic, byName["authz"].Authorization!.SecretFile));
        Assert.Equal("Bearer", byName["authz_default"].Authorization!.Type);
        Assert.Equal("Bearer <secret>", byName["legacy"].Authorization!.ToString());
        Assert.Equal(("Bearer", secretFile), (byName["legacy_file"].Authorization!.Type, byName["legacy_file"].Authorization!.SecretFile));
        Assert.Equal(0, byName["legacy_file"].BodySizeLimitBytes);
        Assert.All(config.ScrapeConfigs, job => Assert.DoesNotContain("s3cr3t", job.Authorization!.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void JobWithoutAuthHasNone()
    {
        var job = FederationConfig.Parse("scrape_configs:\n  - job_name: j\n").ScrapeConfigs.Single();
        Assert.Null(job.Authorization);
        Assert.True(job.FollowRedirects);
        Assert.Equal(0, job.BodySizeLimitBytes);
    }

    [Fact]
    public void RelativeSecretFileResolvesAgainstTheCurrentDirectoryWhenParsingText()
    {
        var ex = Assert.Throws<ConfigException>(() => FederationConfig.Parse(
            "scrape_configs:\n  - job_name: j\n    bearer_token_file: secret.txt\n"));
        Assert.Equal("bearer_token_file", ex.Key);
        Assert.Equal(3, ex.Line);
        var absolute = FederationConfig.Parse(
            $"scrape_configs:\n  - job_name: j\n    bearer_token_file: '{ConfigurationTestPaths.File("secret.txt")}'\n");
        Assert.Equal(ConfigurationTestPaths.File("secret.txt"), absolute.ScrapeConfigs[0].Authorization!.SecretFile);
    }

    [Fact]
    public void RelabelConfigsShapeTargets()
    {
        var config = FederationConfig.Load(ConfigurationTestPaths.File("relabel.good.yml"));
        var job = Assert.Single(config.ScrapeConfigs);
        Assert.Equal(4, job.RelabelConfigs.Count);
        Assert.Single(job.MetricRelabelConfigs);
        var targets = config.Targets();
        Assert.Equal(["http://keep-me:9100/metrics/infra", "http://rewritten:9200/metrics/infra"], targets.Select(t => t.Url.AbsoluteUri));
        // instance defaults to the address after relabeling; the dropped static label is gone.
        Assert.Equal(Labels.Of("instance", "rewritten:9200", "job", "relabel"), targets[1].Labels);
    }

    [Fact]
    public void TargetsKeepTheirLabelsBeforeRelabelingAndDroppedOnesAreListed()
    {
        var config = FederationConfig.Parse(
            "scrape_configs:\n  - job_name: j\n    params:\n      x: ['1']\n    relabel_configs:\n      - source_labels: [__address__]\n        regex: 'drop:.*'\n        action: drop\n" +
            "    static_configs:\n      - targets: ['keep:1', 'drop:2']\n        labels:\n          team: a\n");
        var kept = Assert.Single(config.Targets());
        Assert.Equal(
            Labels.Of("__address__", "keep:1", "__metrics_path__", "/metrics", "__param_x", "1", "__scheme__", "http",
                "__scrape_interval__", "1m", "__scrape_timeout__", "10s", "job", "j", "team", "a"),
            kept.DiscoveredLabels);
        var dropped = Assert.Single(config.DroppedTargets());
        Assert.Equal("j", dropped.Job.JobName);
        Assert.Equal("drop:2", dropped.DiscoveredLabels.Get("__address__"));
        Assert.Equal("a", dropped.DiscoveredLabels.Get("team"));
    }

    [Fact]
    public void DuplicateTargetsInOneJobAreListedOnce()
    {
        var config = FederationConfig.Parse(
            "scrape_configs:\n  - job_name: j\n    static_configs:\n      - targets: ['a:1', 'a:1']\n      - targets: ['a:1']\n");
        Assert.Single(config.Targets());
    }

    [Fact]
    public void ParamLabelReplacesFirstValueOnly()
    {
        var config = FederationConfig.Parse(
            "scrape_configs:\n  - job_name: j\n    params:\n      x: ['1', '2']\n    static_configs:\n      - targets: ['a:1']\n        labels:\n          __param_x: 9\n");
        Assert.Equal("http://a:1/metrics?x=9&x=2", Assert.Single(config.Targets()).Url.AbsoluteUri);
    }

    [Fact]
    public void SourceNameAndPathPrefixMessages()
    {
        var ex = Assert.Throws<ConfigException>(() => FederationConfig.Parse("foo: 1\n", "prometheus.yml"));
        Assert.Equal("prometheus.yml:1: unknown key \"foo\" at top level", ex.Message);
    }

    [Fact]
    public void MissingFileIsAConfigException()
    {
        var ex = Assert.Throws<ConfigException>(() => FederationConfig.Load("/nonexistent/prometheus.yml"));
        Assert.Contains("cannot read configuration", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MultipleDocumentsAreRejected()
    {
        var ex = Assert.Throws<ConfigException>(() => FederationConfig.Parse("global: {}\n---\nglobal: {}\n"));
        Assert.Contains("single YAML document", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("On", true)]
    [InlineData("TRUE", true)]
    [InlineData("no", false)]
    [InlineData("off", false)]
    public void BooleansAcceptYaml11Words(string word, bool expected)
    {
        // Prometheus reads its config with a YAML 1.1 library: yes/no/on/off are booleans there.
        var config = FederationConfig.Parse($"scrape_configs:\n  - job_name: j\n    honor_labels: {word}\n    static_configs: [{{targets: ['a:1']}}]\n");
        Assert.Equal(expected, config.ScrapeConfigs[0].HonorLabels);
    }
}
