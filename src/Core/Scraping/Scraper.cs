using System.Globalization;
using System.Net;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;
using FedFunctions.Core.Scraping.Http;

namespace FedFunctions.Core.Scraping;

/// <summary>
/// Scraper fetches targets over HTTP the way Prometheus' scrape loop does: it negotiates the format with
/// Prometheus' Accept header, bounds each request by the job's <c>scrape_timeout</c>, parses the body,
/// applies <c>honor_labels</c>/<c>honor_timestamps</c>, target labels and <c>metric_relabel_configs</c>,
/// and adds the synthetic <c>up</c> and <c>scrape_*</c> series. A failing target yields a snapshot with
/// <c>up</c> = 0 and a reason; it never throws.
/// </summary>
public sealed partial class Scraper : IDisposable
{
    /// <summary>
    /// The Accept header Prometheus 3 sends by default (no protobuf), for a job with the default
    /// <c>metric_name_escaping_scheme</c> (<c>allow-utf-8</c>); see <see cref="AcceptHeaderFor(NameEscapingScheme)"/>.
    /// </summary>
    public const string AcceptHeader =
        "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    /// <summary>
    /// AcceptHeaderFor is the Accept header for a job with the default <c>scrape_protocols</c> whose
    /// <c>metric_name_escaping_scheme</c> is <paramref name="escaping"/>: as Prometheus 3.4+ (<c>acceptHeader</c>),
    /// only the two 1.0.0 text clauses carry <c>escaping=</c>.
    /// </summary>
    public static string AcceptHeaderFor(NameEscapingScheme escaping) => AcceptHeaderFor(ScrapeProtocols.Default, escaping);

    /// <summary>
    /// AcceptHeaderFor is the Accept header for <paramref name="protocols"/> (a job's <c>scrape_protocols</c>) in
    /// order, weighted from <c>q=0.6</c> down by 0.1, then <c>*/*</c>, exactly as Prometheus 3.4+ builds it.
    /// </summary>
    public static string AcceptHeaderFor(IReadOnlyList<ScrapeProtocol> protocols, NameEscapingScheme escaping)
    {
        ArgumentNullException.ThrowIfNull(protocols);
        return ScrapeContentType.AcceptHeader(protocols, escaping);
    }

    /// <summary>The User-Agent sent with every scrape.</summary>
    public const string UserAgent = "fed-functions/1.0";

    /// <summary>The header that tells targets how long the scraper waits, in seconds.</summary>
    public const string TimeoutHeader = "X-Prometheus-Scrape-Timeout-Seconds";

    // One process-wide client for jobs with follow_redirects: false when the caller supplies none.
    private static readonly Lazy<HttpClient> SharedNoRedirectClient = new(() => CreateHttpClient(followRedirects: false));

    private readonly HttpClient _httpClient;
    private readonly HttpClient? _noRedirectClient;
    private readonly ScraperOptions _options;
    private readonly SeriesTracker _tracker = new();
    private readonly HttpClientCache _clients;

    /// <summary>
    /// Creates a scraper over <paramref name="httpClient"/> (share one, e.g. from <see cref="CreateHttpClient"/>);
    /// jobs with <c>follow_redirects: false</c> use one process-wide client that does not follow redirects, and
    /// jobs with <c>tls_config</c>, <c>oauth2</c>, proxy keys or <c>http_headers</c> one client per distinct setting.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">MaxConcurrency or BodySizeLimitBytes is not positive.</exception>
    public Scraper(HttpClient httpClient, ScraperOptions? options = null)
        : this(httpClient, null, options)
    {
    }

    /// <summary>
    /// Creates a scraper over <paramref name="httpClient"/> for jobs that follow redirects and
    /// <paramref name="noRedirectHttpClient"/> (e.g. <c>CreateHttpClient(followRedirects: false)</c>) for jobs
    /// with <c>follow_redirects: false</c>; null uses a process-wide one.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">MaxConcurrency or BodySizeLimitBytes is not positive.</exception>
    public Scraper(HttpClient httpClient, HttpClient? noRedirectHttpClient, ScraperOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _httpClient = httpClient;
        _noRedirectClient = noRedirectHttpClient;
        _options = options ?? new ScraperOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConcurrency, 1, "options.MaxConcurrency");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BodySizeLimitBytes, 1, "options.BodySizeLimitBytes");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.InMemoryBodyBytes, 0, "options.InMemoryBodyBytes");
        ArgumentNullException.ThrowIfNull(_options.TimeProvider, "options.TimeProvider");
        _clients = new HttpClientCache(_options.TimeProvider);
    }

    /// <summary>MaxConcurrency is how many targets are scraped at once, by <see cref="ScrapeAllAsync"/> and by a scrape cycle (<see cref="ScraperOptions.MaxConcurrency"/>).</summary>
    public int MaxConcurrency => _options.MaxConcurrency;

    /// <summary>ClientBuilds counts the per-config HTTP clients built (TLS, OAuth2, proxy, headers); reused across scrapes.</summary>
    internal int ClientBuilds => _clients.Builds;

    /// <summary>Dispose releases the HTTP clients built for jobs with their own TLS or proxy settings.</summary>
    public void Dispose() => _clients.Dispose();

    /// <summary>
    /// CreateHttpClient builds a client to share across scrapes: pooled connections, gzip decompression,
    /// no cookies, redirects followed or not (one client per setting, never one per scrape), and no
    /// client-wide timeout (each scrape is bounded by its job's <c>scrape_timeout</c>).
    /// </summary>
    public static HttpClient CreateHttpClient(bool followRedirects = true) =>
        new(NewTransport(followRedirects), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>
    /// NewTransport is the handler every scrape client starts from. No proxy unless a job configures one:
    /// as in Prometheus, environment proxies apply only with <c>proxy_from_environment</c>.
    /// </summary>
    internal static SocketsHttpHandler NewTransport(bool followRedirects) => new()
    {
        AllowAutoRedirect = followRedirects,
        AutomaticDecompression = DecompressionMethods.GZip,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
        UseProxy = false,
    };

    /// <summary>ScrapeAsync scrapes one target; failures of the target become an <c>up</c> = 0 snapshot.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<TargetSnapshot> ScrapeAsync(ScrapeTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var time = _options.TimeProvider;
        var startMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var started = time.GetTimestamp();

        // A forced error (target_limit exceeded) fails the scrape without a request, as Prometheus' scrape loop does.
        if (target.ForcedError is { } forced) return Failed(target, startMs, time.GetElapsedTime(started).TotalSeconds, forced);

        ExpositionDocument document;
        try
        {
            document = await FetchAndParseAsync(target, cancellationToken).ConfigureAwait(false);
        }
        catch (ScrapeFailedException ex)
        {
            return Failed(target, startMs, time.GetElapsedTime(started).TotalSeconds, ex.Message);
        }

        var outcome = BuildSamples(target, document, startMs);
        if (outcome.Error is not null)
            return Failed(target, startMs, time.GetElapsedTime(started).TotalSeconds, outcome.Error);

        var added = _tracker.Update(target, outcome.Series);
        var duration = time.GetElapsedTime(started).TotalSeconds;
        var samples = outcome.Samples;
        AppendReport(samples, outcome.Series, target.Labels, startMs, up: true, duration, outcome.Scraped, outcome.PostRelabel, added);
        return new TargetSnapshot
        {
            TargetLabels = target.Labels,
            ScrapeTimestampMs = startMs,
            Up = true,
            DurationSeconds = duration,
            Metadata = WithReportMetadata(document.Metadata),
            Samples = samples,
        };
    }

    /// <summary>ScrapeAllAsync scrapes <paramref name="targets"/> concurrently (at most MaxConcurrency at once), results in input order.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<IReadOnlyList<TargetSnapshot>> ScrapeAllAsync(IEnumerable<ScrapeTarget> targets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var list = targets.ToList();
        var results = new TargetSnapshot[list.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, list.Count), parallel, async (index, token) =>
        {
            results[index] = await ScrapeAsync(list[index], token).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return results;
    }

    private static TargetSnapshot Failed(ScrapeTarget target, long startMs, double duration, string error)
    {
        var samples = new List<Sample>(5);
        AppendReport(samples, null, target.Labels, startMs, up: false, duration, 0, 0, 0);
        return new TargetSnapshot
        {
            TargetLabels = target.Labels,
            ScrapeTimestampMs = startMs,
            Up = false,
            Error = error,
            DurationSeconds = duration,
            Metadata = ReportMetadata,
            Samples = samples,
        };
    }

    /// <summary>TYPE and HELP of the synthetic series, as Prometheus' metadata API reports them.</summary>
    private static readonly MetricMetadata[] ReportMetadata =
    [
        new("up", MetricType.Gauge, "Health of the scrape target. 1 = healthy, 0 = unhealthy.", ""),
        new("scrape_duration_seconds", MetricType.Gauge, "Duration of the scrape.", ""),
        new("scrape_samples_scraped", MetricType.Gauge, "The number of samples the target exposed.", ""),
        new("scrape_samples_post_metric_relabeling", MetricType.Gauge, "The number of samples remaining after metric relabeling was applied.", ""),
        new("scrape_series_added", MetricType.Gauge, "The approximate number of new series in this scrape.", ""),
    ];

    private static List<MetricMetadata> WithReportMetadata(IReadOnlyList<MetricMetadata> scraped)
    {
        var merged = new List<MetricMetadata>(scraped.Count + ReportMetadata.Length);
        foreach (var metadata in scraped)
        {
            if (Array.FindIndex(ReportMetadata, r => r.Name == metadata.Name) < 0) merged.Add(metadata);
        }
        merged.AddRange(ReportMetadata);
        return merged;
    }

    // The synthetic series carry exactly the target labels. A scraped series with the same labels (a target
    // exposing its own "up", say) would make the snapshot hold one series twice: the synthetic one wins.
    private static void AppendReport(List<Sample> samples, HashSet<Labels>? scrapedSeries, Labels targetLabels, long timestampMs, bool up, double duration, int scraped, int postRelabel, int added)
    {
        Add("up", up ? 1 : 0);
        Add("scrape_duration_seconds", duration);
        Add("scrape_samples_scraped", scraped);
        Add("scrape_samples_post_metric_relabeling", postRelabel);
        Add("scrape_series_added", added);

        void Add(string name, double value)
        {
            var labels = targetLabels.ToBuilder().Set(Label.MetricName, name).Build();
            if (scrapedSeries is not null && scrapedSeries.Contains(labels)) samples.RemoveAll(s => s.Labels == labels);
            samples.Add(new Sample(labels, value, timestampMs));
        }
    }

    private static string FormatSeconds(TimeSpan timeout) =>
        timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
