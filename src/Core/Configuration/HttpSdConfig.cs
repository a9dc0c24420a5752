namespace FedFunctions.Core.Configuration;

/// <summary>
/// HttpSdConfig is one item of a job's <c>http_sd_configs</c>: an endpoint answering a JSON list of target
/// groups, fetched every <see cref="RefreshInterval"/> with its own HTTP client settings (auth, TLS, proxy).
/// </summary>
public sealed class HttpSdConfig
{
    /// <summary>The default <c>refresh_interval</c> (60s, as in Prometheus).</summary>
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromSeconds(60);

    /// <summary>Url is the endpoint (<c>url</c>); never shown with its user info.</summary>
    public Uri Url { get; internal init; } = null!;

    /// <summary>OriginalUrl is <c>url</c> as written: the value of <c>__meta_url</c>.</summary>
    internal string OriginalUrl { get; init; } = "";

    /// <summary>RefreshInterval is how often the endpoint is asked again.</summary>
    public TimeSpan RefreshInterval { get; internal init; } = DefaultRefreshInterval;

    /// <summary>Authorization is the header sent with each request, or null.</summary>
    public ScrapeAuthorization? Authorization { get; internal init; }

    /// <summary>Http is the TLS, OAuth2, proxy and header settings of the requests.</summary>
    public HttpClientSettings Http { get; internal init; } = HttpClientSettings.Default;

    /// <summary>Key identifies equal configs: they share one discoverer and its last good groups.</summary>
    internal string Key => "http|" + Url.AbsoluteUri + "|" + RefreshInterval.Ticks + "|" + Http.CacheKey + "|" + Authorization?.CacheKey;

    /// <inheritdoc />
    public override string ToString() => "http_sd " + Url.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);
}
