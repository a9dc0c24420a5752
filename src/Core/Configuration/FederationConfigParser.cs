using FedFunctions.Core.Model;
using FedFunctions.Core.Relabeling;
using YamlDotNet.RepresentationModel;

namespace FedFunctions.Core.Configuration;

/// <summary>
/// FederationConfigParser turns the YAML representation into configuration objects in Prometheus' three
/// steps: start from defaults, read the keys, then validate (durations, names, inheritance from global).
/// </summary>
internal static partial class FederationConfigParser
{
    // Top-level sections of prometheus.yml that are accepted and ignored: they do not affect scraping.
    private static readonly HashSet<string> IgnoredTopLevel = ["rule_files", "alerting"];

    // Prometheus keys we know but do not support; they get a clearer message than "unknown key".
    private static readonly HashSet<string> UnsupportedTopLevel =
        ["remote_write", "remote_read", "storage", "tracing", "scrape_config_files", "runtime", "otlp"];

    private static readonly HashSet<string> UnsupportedJobKeys =
    [
        "scrape_protocols", "fallback_scrape_protocol", "enable_compression",
        "track_timestamps_staleness", "scrape_classic_histograms", "always_scrape_classic_histograms",
        "convert_classic_histograms_to_nhcb",
        "extra_scrape_metrics",
    ];

    public static (GlobalConfig Global, IReadOnlyList<ScrapeJobConfig> Jobs) ParseRoot(YamlConfigReader reader, YamlNode? root)
    {
        YamlNode? globalNode = null;
        YamlNode? scrapeNode = null;
        if (root is not null)
        {
            foreach (var (key, keyNode, value) in reader.Mapping(root, "config", "the configuration file"))
            {
                switch (key)
                {
                    case "global": globalNode = value; break;
                    case "scrape_configs": scrapeNode = value; break;
                    default:
                        if (IgnoredTopLevel.Contains(key)) break;
                        throw reader.Fail(keyNode, key, UnsupportedTopLevel.Contains(key)
                            ? $"unsupported key \"{key}\" at top level (fed-functions supports global and scrape_configs)"
                            : $"unknown key \"{key}\" at top level");
                }
            }
        }

        var global = globalNode is null ? new GlobalConfig() : ParseGlobal(reader, globalNode);
        var jobs = new List<ScrapeJobConfig>();
        if (scrapeNode is not null)
        {
            var names = new Dictionary<string, int>(StringComparer.Ordinal);
            var items = reader.Sequence(scrapeNode, "scrape_configs", "the configuration file");
            for (var i = 0; i < items.Count; i++)
            {
                var job = ParseJob(reader, items[i], $"scrape_configs[{i}]", global);
                if (names.TryGetValue(job.JobName, out var firstLine))
                    throw reader.Fail(items[i], "job_name", $"found multiple scrape configs with job name \"{job.JobName}\" (first at line {firstLine})");
                names.Add(job.JobName, job.Line);
                jobs.Add(job);
            }
        }
        return (global, jobs);
    }

    private static GlobalConfig ParseGlobal(YamlConfigReader reader, YamlNode node)
    {
        TimeSpan? interval = null, timeout = null;
        YamlNode? timeoutNode = null, externalNode = null;
        var names = new NameSchemes.Raw();
        var histograms = new HistogramScrapeSettings.Raw();
        foreach (var (key, keyNode, value) in reader.Mapping(node, "global", "the configuration file"))
        {
            switch (key)
            {
                case "scrape_interval": interval = reader.Duration(value, key, "global"); break;
                case "scrape_timeout": timeout = reader.Duration(value, key, "global"); timeoutNode = value; break;
                case "evaluation_interval": reader.Duration(value, key, "global"); break; // validated, then ignored
                case "external_labels": externalNode = value; break;
                default:
                    if (NameSchemes.TryRead(reader, key, value, "global", names)) break;
                    if (HistogramScrapeSettings.TryRead(reader, key, value, "global", histograms, job: false, jobName: null)) break;
                    throw reader.Fail(keyNode, key, $"unknown key \"{key}\" in global");
            }
        }
        var (validation, escaping) = NameSchemes.ResolveGlobal(reader, names);
        // External label names follow the global validation scheme, as in Prometheus 3.
        var external = externalNode is null ? Labels.Empty : ParseLabels(reader, externalNode, "external_labels", "global", validation);

        // Zero means unset, as in Prometheus' GlobalConfig.UnmarshalYAML.
        var effectiveInterval = interval is { } i && i > TimeSpan.Zero ? i : GlobalConfig.DefaultScrapeInterval;
        TimeSpan effectiveTimeout;
        if (timeout is { } t && t > TimeSpan.Zero)
        {
            if (t > effectiveInterval)
                throw reader.Fail(timeoutNode!, "scrape_timeout", $"global scrape_timeout ({PrometheusDuration.Format(t)}) greater than scrape_interval ({PrometheusDuration.Format(effectiveInterval)})");
            effectiveTimeout = t;
        }
        else
        {
            effectiveTimeout = GlobalConfig.DefaultScrapeTimeout > effectiveInterval ? effectiveInterval : GlobalConfig.DefaultScrapeTimeout;
        }
        return new GlobalConfig
        {
            ScrapeInterval = effectiveInterval, ScrapeTimeout = effectiveTimeout, ExternalLabels = external,
            NameValidation = validation, NameEscaping = escaping,
            ScrapeProtocols = histograms.Protocols,
            ScrapeNativeHistograms = histograms.NativeHistograms ?? false,
            AlwaysScrapeClassicHistograms = histograms.AlwaysClassic ?? false,
            ConvertClassicHistogramsToNhcb = histograms.ConvertToNhcb ?? false,
        };
    }

    private static ScrapeJobConfig ParseJob(YamlConfigReader reader, YamlNode node, string where, GlobalConfig global)
    {
        if (node is not YamlMappingNode) throw reader.Fail(node, null, $"{where} must be a mapping");
        string? jobName = null;
        TimeSpan? interval = null, timeout = null;
        YamlNode? timeoutNode = null;
        string metricsPath = "/metrics", scheme = "http";
        bool honorLabels = false, honorTimestamps = true;
        var parameters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var statics = new List<StaticConfig>();
        var fileSd = new List<FileSdConfig>();
        var httpSd = new List<HttpSdConfig>();
        YamlNode? relabelNode = null, metricRelabelNode = null;
        var names = new NameSchemes.Raw();
        var http = new HttpSettings();
        var limits = new JobLimits();
        var followRedirects = true;
        var histograms = new HistogramScrapeSettings.Raw();

        foreach (var (key, keyNode, value) in reader.Mapping(node, where, "scrape_configs"))
        {
            switch (key)
            {
                case "job_name": jobName = reader.String(value, key, where); break;
                case "scrape_interval": interval = reader.Duration(value, key, where); break;
                case "scrape_timeout": timeout = reader.Duration(value, key, where); timeoutNode = value; break;
                case "metrics_path":
                    metricsPath = reader.String(value, key, where);
                    if (!metricsPath.StartsWith('/') || metricsPath.Contains('?') || metricsPath.Contains('#'))
                        throw reader.Fail(value, key, $"invalid metrics_path \"{metricsPath}\" in {where}: must start with \"/\" and hold no query (use params)");
                    break;
                case "scheme":
                    scheme = reader.String(value, key, where);
                    if (scheme is not ("http" or "https"))
                        throw reader.Fail(value, key, $"invalid scheme \"{scheme}\" in {where}: must be http or https");
                    break;
                case "params": ParseParams(reader, value, where, parameters); break;
                case "honor_labels": honorLabels = reader.Bool(value, key, where); break;
                case "honor_timestamps": honorTimestamps = reader.Bool(value, key, where); break;
                case "static_configs":
                    var items = reader.Sequence(value, key, where);
                    for (var i = 0; i < items.Count; i++)
                        statics.Add(ParseStatic(reader, items[i], $"{where}.static_configs[{i}]"));
                    break;
                case "file_sd_configs":
                    var files = reader.Sequence(value, key, where);
                    for (var i = 0; i < files.Count; i++) fileSd.Add(ParseFileSd(reader, files[i], $"{where}.file_sd_configs[{i}]"));
                    break;
                case "http_sd_configs":
                    var endpoints = reader.Sequence(value, key, where);
                    for (var i = 0; i < endpoints.Count; i++) httpSd.Add(ParseHttpSd(reader, endpoints[i], $"{where}.http_sd_configs[{i}]"));
                    break;
                // Read once the job's name validation scheme is known: it decides which target names are valid.
                case "relabel_configs": relabelNode = value; break;
                case "metric_relabel_configs": metricRelabelNode = value; break;
                case "follow_redirects": followRedirects = reader.Bool(value, key, where); break;
                default:
                    if (TryParseHttpKey(reader, key, value, where, http) || TryParseLimitKey(reader, key, value, where, ref limits)
                        || NameSchemes.TryRead(reader, key, value, where, names)
                        || HistogramScrapeSettings.TryRead(reader, key, value, where, histograms, job: true, jobName)) break;
                    throw reader.Fail(keyNode, key, UnsupportedJobKeys.Contains(key)
                        ? $"unsupported key \"{key}\" in {where} (not implemented by fed-functions)"
                        : key.EndsWith("_sd_configs", StringComparison.Ordinal)
                            ? $"unsupported service discovery \"{key}\" in {where} (fed-functions supports static_configs, file_sd_configs and http_sd_configs)"
                            : $"unknown key \"{key}\" in {where}");
            }
        }

        if (string.IsNullOrEmpty(jobName)) throw reader.Fail(node, "job_name", $"job_name is missing or empty in {where}");
        var (validation, escaping) = NameSchemes.ResolveJob(reader, names, global, node, where);
        var relabel = relabelNode is null ? [] : ParseRelabelConfigs(reader, relabelNode, "relabel_configs", where, validation);
        var metricRelabel = metricRelabelNode is null ? [] : ParseRelabelConfigs(reader, metricRelabelNode, "metric_relabel_configs", where, validation);
        var authorization = BuildAuthorization(reader, http, where);
        var client = BuildClientSettings(reader, http, followRedirects, where);

        // Inheritance as in Prometheus' ScrapeConfig.Validate: zero means "use the global value".
        var effectiveInterval = interval is { } iv && iv > TimeSpan.Zero ? iv : global.ScrapeInterval;
        TimeSpan effectiveTimeout;
        if (timeout is { } t && t > TimeSpan.Zero)
        {
            if (t > effectiveInterval)
                throw reader.Fail(timeoutNode!, "scrape_timeout",
                    $"scrape_timeout ({PrometheusDuration.Format(t)}) greater than scrape_interval ({PrometheusDuration.Format(effectiveInterval)}) for scrape config with job name \"{jobName}\"");
            effectiveTimeout = t;
        }
        else
        {
            effectiveTimeout = global.ScrapeTimeout > effectiveInterval ? effectiveInterval : global.ScrapeTimeout;
        }

        return new ScrapeJobConfig
        {
            JobName = jobName,
            ScrapeInterval = effectiveInterval,
            ScrapeTimeout = effectiveTimeout,
            MetricsPath = metricsPath,
            Scheme = scheme,
            Params = parameters,
            HonorLabels = honorLabels,
            HonorTimestamps = honorTimestamps,
            StaticConfigs = statics,
            FileSdConfigs = fileSd,
            HttpSdConfigs = httpSd,
            RelabelConfigs = relabel,
            MetricRelabelConfigs = metricRelabel,
            SampleLimit = limits.Sample,
            LabelLimit = limits.Labels,
            LabelNameLengthLimit = limits.NameLength,
            LabelValueLengthLimit = limits.ValueLength,
            BodySizeLimitBytes = limits.BodyBytes,
            TargetLimit = limits.Targets,
            KeepDroppedTargets = limits.KeepDropped,
            FollowRedirects = followRedirects,
            Authorization = authorization,
            Http = client,
            NameValidation = validation,
            NameEscapingScheme = escaping,
            ScrapeNativeHistograms = histograms.NativeHistograms ?? global.ScrapeNativeHistograms,
            AlwaysScrapeClassicHistograms = histograms.AlwaysClassic ?? global.AlwaysScrapeClassicHistograms,
            ConvertClassicHistogramsToNhcb = histograms.ConvertToNhcb ?? global.ConvertClassicHistogramsToNhcb,
            ScrapeProtocols = histograms.Protocols ?? global.ScrapeProtocols
                ?? ((histograms.NativeHistograms ?? global.ScrapeNativeHistograms) ? ScrapeProtocols.NativeHistogramDefault : ScrapeProtocols.Default),
            FallbackScrapeProtocol = histograms.Fallback,
            NativeHistogramBucketLimit = histograms.BucketLimit,
            NativeHistogramMinBucketFactor = histograms.MinBucketFactor,
            Line = checked((int)node.Start.Line),
        };
    }

    private static void ParseParams(YamlConfigReader reader, YamlNode node, string where, Dictionary<string, IReadOnlyList<string>> parameters)
    {
        foreach (var (name, _, value) in reader.Mapping(node, "params", where))
        {
            if (name.Length == 0) throw reader.Fail(node, "params", $"empty parameter name in params in {where}");
            var values = new List<string>();
            foreach (var item in reader.Sequence(value, name, $"params in {where}"))
                values.Add(reader.String(item, "params", $"params \"{name}\" in {where}"));
            parameters[name] = values;
        }
    }

    private static StaticConfig ParseStatic(YamlConfigReader reader, YamlNode node, string where)
    {
        if (node is not YamlMappingNode) throw reader.Fail(node, "static_configs", $"{where} must be a mapping");
        var targets = new List<string>();
        var labels = Labels.Empty;
        foreach (var (key, keyNode, value) in reader.Mapping(node, where, "static_configs"))
        {
            switch (key)
            {
                case "targets":
                    foreach (var item in reader.Sequence(value, key, where))
                    {
                        var address = reader.String(item, key, where);
                        if (!TargetAddress.IsValid(address, out var reason))
                            throw reader.Fail(item, key, $"invalid target \"{address}\" in {where}: {reason}");
                        targets.Add(address);
                    }
                    break;
                // Target labels are read as Prometheus 3 reads any label set in YAML: UTF-8 names allowed.
                case "labels": labels = ParseLabels(reader, value, key, where, NameValidationScheme.Utf8); break;
                default: throw reader.Fail(keyNode, key, $"unknown key \"{key}\" in {where}");
            }
        }
        return new StaticConfig { Targets = targets, Labels = labels, Line = checked((int)node.Start.Line) };
    }

    private static Labels ParseLabels(YamlConfigReader reader, YamlNode node, string key, string where, NameValidationScheme validation)
    {
        var list = new List<Label>();
        foreach (var (name, nameNode, value) in reader.Mapping(node, key, where))
        {
            if (!NameEscaping.IsValidLabelName(name, validation))
                throw reader.Fail(nameNode, key, $"\"{name}\" is not a valid label name in {key} in {where}");
            list.Add(new Label(name, reader.String(value, key, where)));
        }
        return Labels.From(list);
    }
}
