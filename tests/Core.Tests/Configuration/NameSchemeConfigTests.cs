using FedFunctions.Core.Configuration;
using FedFunctions.Core.Model;
using FedFunctions.Core.Relabeling;

namespace FedFunctions.Core.Tests.Configuration;

/// <summary>
/// metric_name_validation_scheme and metric_name_escaping_scheme in global and per job, resolved as
/// Prometheus 3's GlobalConfig.UnmarshalYAML and ScrapeConfig.Validate resolve them.
/// </summary>
public sealed class NameSchemeConfigTests
{
    private const string Job = "scrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ['node:9100']\n";

    private static string Yaml(string global, string job) =>
        (global.Length > 0 ? "global:\n" + global : "") + Job + job;

    public static TheoryData<string, string, NameValidationScheme, NameEscapingScheme> Resolved => new()
    {
        // Nothing set: Prometheus 3's defaults.
        { "", "", NameValidationScheme.Utf8, NameEscapingScheme.AllowUtf8 },
        // Blank values count as unset.
        { "  metric_name_validation_scheme: \"\"\n  metric_name_escaping_scheme: \"\"\n", "", NameValidationScheme.Utf8, NameEscapingScheme.AllowUtf8 },
        // A global legacy validation makes the blank escaping underscores, and jobs inherit both.
        { "  metric_name_validation_scheme: legacy\n", "", NameValidationScheme.Legacy, NameEscapingScheme.Underscores },
        { "  metric_name_validation_scheme: legacy\n  metric_name_escaping_scheme: values\n", "", NameValidationScheme.Legacy, NameEscapingScheme.Values },
        { "  metric_name_escaping_scheme: dots\n", "", NameValidationScheme.Utf8, NameEscapingScheme.Dots },
        // A job that sets its validation takes the escaping that follows it, not the global escaping.
        { "  metric_name_escaping_scheme: dots\n", "    metric_name_validation_scheme: legacy\n", NameValidationScheme.Legacy, NameEscapingScheme.Underscores },
        { "  metric_name_validation_scheme: legacy\n", "    metric_name_validation_scheme: utf8\n", NameValidationScheme.Utf8, NameEscapingScheme.AllowUtf8 },
        { "  metric_name_escaping_scheme: values\n", "    metric_name_validation_scheme: utf8\n", NameValidationScheme.Utf8, NameEscapingScheme.AllowUtf8 },
        // A job that sets no validation inherits the global escaping.
        { "  metric_name_escaping_scheme: values\n", "", NameValidationScheme.Utf8, NameEscapingScheme.Values },
        // The job's own escaping wins.
        { "  metric_name_validation_scheme: legacy\n", "    metric_name_escaping_scheme: dots\n", NameValidationScheme.Legacy, NameEscapingScheme.Dots },
        { "", "    metric_name_escaping_scheme: underscores\n", NameValidationScheme.Utf8, NameEscapingScheme.Underscores },
    };

    [Theory]
    [MemberData(nameof(Resolved))]
    public void SchemesResolveAsInPrometheus3(string global, string job, NameValidationScheme validation, NameEscapingScheme escaping)
    {
        var config = FederationConfig.Parse(Yaml(global, job));
        var node = Assert.Single(config.ScrapeConfigs);
        Assert.Equal(validation, node.NameValidation);
        Assert.Equal(escaping, node.NameEscapingScheme);
    }

    public static TheoryData<string, string, string, int, string> Bad => new()
    {
        { "  metric_name_validation_scheme: strict\n", "", "unrecognized ValidationScheme: \"strict\" in global", 2, "metric_name_validation_scheme" },
        { "", "    metric_name_validation_scheme: UTF8\n", "unrecognized ValidationScheme: \"UTF8\" in scrape_configs[0]", 5, "metric_name_validation_scheme" },
        {
            "  metric_name_escaping_scheme: allow-utf8\n", "",
            "unknown global name escaping method specified, must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got \"allow-utf8\"", 2,
            "metric_name_escaping_scheme"
        },
        {
            "", "    metric_name_escaping_scheme: none\n",
            "unknown scrape config name escaping method specified, must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got \"none\" in scrape_configs[0]", 5,
            "metric_name_escaping_scheme"
        },
        // allow-utf-8 with legacy, however it comes about.
        { "", "    metric_name_validation_scheme: legacy\n    metric_name_escaping_scheme: allow-utf-8\n", "utf8 metric names requested but validation scheme is not set to UTF8 in scrape_configs[0]", 6, "metric_name_escaping_scheme" },
        { "  metric_name_validation_scheme: legacy\n  metric_name_escaping_scheme: allow-utf-8\n", "", "utf8 metric names requested but validation scheme is not set to UTF8 in scrape_configs[0]", 5, "metric_name_escaping_scheme" },
        { "  metric_name_validation_scheme: legacy\n", "    metric_name_escaping_scheme: allow-utf-8\n", "utf8 metric names requested but validation scheme is not set to UTF8", 7, "metric_name_escaping_scheme" },
        { "  metric_name_escaping_scheme: allow-utf-8\n", "    metric_name_validation_scheme: legacy\n    metric_name_escaping_scheme: allow-utf-8\n", "utf8 metric names requested", 8, "metric_name_escaping_scheme" },
        // External labels follow the global validation; relabel targets the job's.
        { "  metric_name_validation_scheme: legacy\n  external_labels:\n    k8s.cluster: a\n", "", "\"k8s.cluster\" is not a valid label name in external_labels in global", 4, "external_labels" },
        {
            "", "    metric_name_validation_scheme: legacy\n    metric_relabel_configs:\n      - target_label: http.route\n        replacement: x\n",
            "\"http.route\" is invalid 'target_label' for replace action in scrape_configs[0].metric_relabel_configs[0]", 7, "action"
        },
        {
            "  metric_name_validation_scheme: legacy\n", "    relabel_configs:\n      - action: labelmap\n        regex: (.*)\n        replacement: k8s.$1\n",
            "\"k8s.$1\" is invalid 'replacement' for labelmap action in scrape_configs[0].relabel_configs[0]", 8, "action"
        },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void BadSchemesNameTheFileLineAndKey(string global, string job, string expected, int line, string key)
    {
        var ex = Assert.Throws<ConfigException>(() => FederationConfig.Parse(Yaml(global, job), "prometheus.yml"));
        Assert.StartsWith($"prometheus.yml:{line}: {expected}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(line, ex.Line);
        Assert.Equal(key, ex.Key);
    }

    [Fact]
    public void Utf8NamesAreTakenUnderTheDefaultScheme()
    {
        var config = FederationConfig.Parse(
            "global:\n  external_labels:\n    k8s.cluster: a\n" + Job + "        labels:\n          service.name: api\n" +
            "    metric_relabel_configs:\n      - target_label: http.route\n        replacement: /x\n" +
            "      - action: labelmap\n        regex: (.*)_name\n        replacement: k8s.$1\n");
        Assert.Equal("a", config.Global.ExternalLabels.Get("k8s.cluster"));
        var job = Assert.Single(config.ScrapeConfigs);
        Assert.Equal("api", job.StaticConfigs[0].Labels.Get("service.name"));
        Assert.All(job.MetricRelabelConfigs, rule => Assert.Equal(NameValidationScheme.Utf8, rule.NameValidation));
    }

    [Fact]
    public void RelabelRulesWriteUtf8TargetsOnlyUnderUtf8()
    {
        foreach (var (validation, expected) in new[] { (NameValidationScheme.Utf8, "v"), (NameValidationScheme.Legacy, "") })
        {
            // A templated target is checked when the rule runs: "a.b" is written under utf8 only.
            var rule = new RelabelConfig
            {
                SourceLabels = ["src"], Regex = new RelabelRegex("(.*)"), TargetLabel = "${1}", Replacement = "v", NameValidation = validation,
            };
            rule.Validate();
            var labels = Labels.From([new Label("src", "a.b")]);
            var result = Relabeler.Process(labels, [rule]);
            Assert.NotNull(result);
            Assert.Equal(expected, result.Get("a.b"));
        }
    }
}
