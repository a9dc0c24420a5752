using FedFunctions.Core.Model;
using FedFunctions.Core.Relabeling;

namespace FedFunctions.Core.Configuration;

/// <summary>ScrapeJobConfig is one item of <c>scrape_configs</c>, with Prometheus' defaults applied.</summary>
public sealed class ScrapeJobConfig
{
    /// <summary>JobName is the job's unique name and the default <c>job</c> label.</summary>
    public string JobName { get; internal init; } = "";

    /// <summary>ScrapeInterval is how often the job's targets are scraped (inherits the global one).</summary>
    public TimeSpan ScrapeInterval { get; internal init; }

    /// <summary>ScrapeTimeout bounds each scrape; never longer than <see cref="ScrapeInterval"/>.</summary>
    public TimeSpan ScrapeTimeout { get; internal init; }

    /// <summary>MetricsPath is the HTTP path to scrape (default <c>/metrics</c>).</summary>
    public string MetricsPath { get; internal init; } = "/metrics";

    /// <summary>Scheme is <c>http</c> (default) or <c>https</c>.</summary>
    public string Scheme { get; internal init; } = "http";

    /// <summary>Params are query parameters sent with every scrape; a key may repeat (<c>match[]</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Params { get; internal init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>HonorLabels keeps scraped labels that clash with target labels (default false).</summary>
    public bool HonorLabels { get; internal init; }

    /// <summary>HonorTimestamps keeps timestamps the target exposes (default true).</summary>
    public bool HonorTimestamps { get; internal init; } = true;

    /// <summary>StaticConfigs are the job's target groups.</summary>
    public IReadOnlyList<StaticConfig> StaticConfigs { get; internal init; } = [];

    /// <summary>FileSdConfigs are the job's <c>file_sd_configs</c>: target groups read from JSON or YAML files.</summary>
    public IReadOnlyList<FileSdConfig> FileSdConfigs { get; internal init; } = [];

    /// <summary>HttpSdConfigs are the job's <c>http_sd_configs</c>: target groups fetched from HTTP endpoints.</summary>
    public IReadOnlyList<HttpSdConfig> HttpSdConfigs { get; internal init; } = [];

    /// <summary>HasDiscovery is true when the job has any service discovery besides <c>static_configs</c>.</summary>
    public bool HasDiscovery => FileSdConfigs.Count > 0 || HttpSdConfigs.Count > 0;

    /// <summary>RelabelConfigs rewrite or drop targets before scraping (<c>relabel_configs</c>).</summary>
    public IReadOnlyList<RelabelConfig> RelabelConfigs { get; internal init; } = [];

    /// <summary>MetricRelabelConfigs rewrite or drop scraped series (<c>metric_relabel_configs</c>).</summary>
    public IReadOnlyList<RelabelConfig> MetricRelabelConfigs { get; internal init; } = [];

    /// <summary>SampleLimit fails a scrape with more samples after metric relabeling (<c>sample_limit</c>; 0 = no limit).</summary>
    public long SampleLimit { get; internal init; }

    /// <summary>LabelLimit fails a scrape with a series of more labels, <c>__name__</c> included (<c>label_limit</c>; 0 = no limit).</summary>
    public long LabelLimit { get; internal init; }

    /// <summary>LabelNameLengthLimit fails a scrape with a longer label name, in UTF-8 bytes (<c>label_name_length_limit</c>; 0 = no limit).</summary>
    public long LabelNameLengthLimit { get; internal init; }

    /// <summary>LabelValueLengthLimit fails a scrape with a longer label value, in UTF-8 bytes (<c>label_value_length_limit</c>; 0 = no limit).</summary>
    public long LabelValueLengthLimit { get; internal init; }

    /// <summary>
    /// TargetLimit fails every scrape of the job while it has more active targets after relabeling
    /// (<c>target_limit</c>; 0 = no limit).
    /// </summary>
    public long TargetLimit { get; internal init; }

    /// <summary>KeepDroppedTargets caps how many relabel-dropped targets are listed per job (<c>keep_dropped_targets</c>; 0 = all).</summary>
    public long KeepDroppedTargets { get; internal init; }

    /// <summary>
    /// BodySizeLimitBytes fails a scrape whose uncompressed body is larger (<c>body_size_limit</c>); 0 means the
    /// job sets none and the scraper's own limit (<c>ScraperOptions.BodySizeLimitBytes</c>) applies.
    /// </summary>
    public long BodySizeLimitBytes { get; internal init; }

    /// <summary>FollowRedirects follows HTTP redirects (<c>follow_redirects</c>, default true).</summary>
    public bool FollowRedirects { get; internal init; } = true;

    /// <summary>
    /// NameValidation is the job's <c>metric_name_validation_scheme</c> (inherited from global): it decides
    /// which <c>target_label</c>/<c>labelmap</c> names its relabel rules may write.
    /// </summary>
    public NameValidationScheme NameValidation { get; internal init; } = NameValidationScheme.Utf8;

    /// <summary>
    /// NameEscapingScheme is the job's <c>metric_name_escaping_scheme</c>: the <c>escaping=</c> its scrapes ask
    /// targets for (names received are stored as they come).
    /// </summary>
    public NameEscapingScheme NameEscapingScheme { get; internal init; } = NameEscapingScheme.AllowUtf8;

    /// <summary>
    /// ScrapeProtocols is the effective <c>scrape_protocols</c>, in preference order: the job's list, else the
    /// global one, else protobuf first when <see cref="ScrapeNativeHistograms"/>, else <see cref="Configuration.ScrapeProtocols.Default"/>.
    /// </summary>
    public IReadOnlyList<ScrapeProtocol> ScrapeProtocols { get; internal init; } = Configuration.ScrapeProtocols.Default;

    /// <summary>FallbackScrapeProtocol parses a body whose Content-Type is blank or unknown (<c>fallback_scrape_protocol</c>); null fails such a scrape.</summary>
    public ScrapeProtocol? FallbackScrapeProtocol { get; internal init; }

    /// <summary>ScrapeNativeHistograms keeps native histograms (<c>scrape_native_histograms</c>, inherited from global).</summary>
    public bool ScrapeNativeHistograms { get; internal init; }

    /// <summary>AlwaysScrapeClassicHistograms keeps classic series beside native ones (<c>always_scrape_classic_histograms</c>).</summary>
    public bool AlwaysScrapeClassicHistograms { get; internal init; }

    /// <summary>ConvertClassicHistogramsToNhcb turns classic histograms into custom-bucket native ones (<c>convert_classic_histograms_to_nhcb</c>).</summary>
    public bool ConvertClassicHistogramsToNhcb { get; internal init; }

    /// <summary>
    /// NativeHistogramBucketLimit is the most buckets a scraped native histogram may keep (<c>native_histogram_bucket_limit</c>,
    /// 0 = no limit): one with more is reduced to a lower schema, and the scrape fails when that cannot meet the limit.
    /// </summary>
    public long NativeHistogramBucketLimit { get; internal init; }

    /// <summary>
    /// NativeHistogramMinBucketFactor is the smallest growth factor from one bucket to the next (<c>native_histogram_min_bucket_factor</c>,
    /// 0 = none): finer native histograms are reduced to <see cref="NativeHistogramMaxSchema"/>.
    /// </summary>
    public double NativeHistogramMinBucketFactor { get; internal init; }

    /// <summary>The highest schema kept, from <see cref="NativeHistogramMinBucketFactor"/> (8 when it sets no cap).</summary>
    public int NativeHistogramMaxSchema => NativeHistogram.MaxSchemaForFactor(NativeHistogramMinBucketFactor);

    /// <summary>Authorization is the header sent with each scrape, or null for none.</summary>
    public ScrapeAuthorization? Authorization { get; internal init; }

    /// <summary>Http is the job's TLS, OAuth2, proxy and other HTTP client settings; equal settings share one handler.</summary>
    public HttpClientSettings Http { get; internal init; } = HttpClientSettings.Default;

    /// <summary>The 1-based line of the job in the source, for messages.</summary>
    internal int Line { get; init; }

    /// <inheritdoc />
    public override string ToString() => JobName;
}
