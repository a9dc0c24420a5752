using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Scraping;
using FedFunctions.Core.Scraping.Http;

namespace FedFunctions.Core.Discovery;

/// <summary>
/// HttpDiscoverer is one <c>http_sd_configs</c> item's state: the endpoint's last good target groups. It asks
/// the endpoint again once <c>refresh_interval</c> has passed since the last attempt, with Prometheus'
/// request headers and checks (status 200, JSON content type, a JSON list of groups). A failed attempt keeps
/// the last good groups and is reported to the observer.
/// </summary>
internal sealed partial class HttpDiscoverer(HttpSdConfig config)
{
    /// <summary>
    /// A request waits at most this long (or <c>refresh_interval</c> when shorter, Prometheus' own client
    /// timeout), so an endpoint that hangs cannot use up a scrape run.
    /// </summary>
    internal static readonly TimeSpan MaxRequestTime = TimeSpan.FromSeconds(15);

    /// <summary>Answers larger than this are refused (a list of a few hundred thousand targets fits).</summary>
    internal const long MaxBodyBytes = 64L << 20;

    private const string MetaUrl = "__meta_url";
    private IReadOnlyList<TargetGroup>? _groups;
    private DateTimeOffset? _lastAttempt;

    // Prometheus' matchContentType: application/json with at most a utf-8 charset.
    [GeneratedRegex("^(?i:application/json(;\\s*charset=(\"utf-8\"|utf-8))?)$")]
    private static partial Regex JsonContentType();

    /// <summary>Uncertain is true while the endpoint has never answered successfully since this process started.</summary>
    public bool Uncertain => _groups is null;

    /// <summary>The URL as written in the configuration, without user info (for messages).</summary>
    public string DisplayUrl => config.Url.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);

    /// <summary>RefreshAsync asks the endpoint when due and returns the current (last good) groups.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the next run asks again).</exception>
    public async Task<IReadOnlyList<TargetGroup>> RefreshAsync(HttpClientCache clients, TimeProvider time, IDiscoveryObserver? observer, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_lastAttempt is { } last && now - last < config.RefreshInterval) return _groups ?? [];
        try
        {
            _groups = await FetchAsync(clients, time, cancellationToken).ConfigureAwait(false);
        }
        catch (DiscoveryFailedException ex)
        {
            observer?.HttpRefreshFailed(DisplayUrl, ex.Message);
        }
        _lastAttempt = now;
        return _groups ?? [];
    }

    private async Task<IReadOnlyList<TargetGroup>> FetchAsync(HttpClientCache clients, TimeProvider time, CancellationToken cancellationToken)
    {
        var wait = config.RefreshInterval > TimeSpan.Zero && config.RefreshInterval < MaxRequestTime ? config.RefreshInterval : MaxRequestTime;
        using var timeout = new CancellationTokenSource(wait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var client = clients.Get(config.Http);
            using var request = new HttpRequestMessage(HttpMethod.Get, config.Url);
            request.Version = config.Http.EnableHttp2 ? HttpVersion.Version20 : HttpVersion.Version11;
            request.VersionPolicy = config.Http.EnableHttp2 ? HttpVersionPolicy.RequestVersionOrLower : HttpVersionPolicy.RequestVersionExact;
            request.Headers.TryAddWithoutValidation("Accept", "application/json");
            request.Headers.TryAddWithoutValidation("User-Agent", Scraper.UserAgent);
            request.Headers.TryAddWithoutValidation("X-Prometheus-Refresh-Interval-Seconds",
                config.RefreshInterval.TotalSeconds.ToString(CultureInfo.InvariantCulture));
            if (config.Authorization is { } authorization)
            {
                if (!authorization.TryCreateHeaderValue(out var headerValue, out var authError)) throw new DiscoveryFailedException(authError!);
                if (headerValue is not null) request.Headers.TryAddWithoutValidation("Authorization", headerValue);
            }
            else if (config.Url.UserInfo.Length > 0)
            {
                // Go's HTTP client sends user info in the URL as basic auth; .NET's would drop it.
                var parts = config.Url.UserInfo.Split(':', 2);
                var pair = Uri.UnescapeDataString(parts[0]) + ":" + (parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
                request.Headers.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(pair)));
            }

            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
                throw new DiscoveryFailedException($"server returned HTTP status {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd());
            var contentType = response.Content.Headers.ContentType?.ToString() ?? "";
            if (!JsonContentType().IsMatch(contentType)) throw new DiscoveryFailedException($"unsupported content type \"{contentType}\"");
            if (response.Content.Headers.ContentLength > MaxBodyBytes) throw TooLarge();
            var body = new MemoryStream();
            var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await stream.ReadAsync(buffer, linked.Token).ConfigureAwait(false)) > 0)
                {
                    if (body.Length + read > MaxBodyBytes) throw TooLarge();
                    body.Write(buffer, 0, read);
                }
            }
            // Sources (in messages) never carry user info; __meta_url is the URL as written, as in Prometheus.
            return TargetGroupParser.ParseJson(body.GetBuffer().AsSpan(0, (int)body.Length), DisplayUrl, MetaUrl, config.OriginalUrl);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            throw new DiscoveryFailedException($"Get \"{DisplayUrl}\": timeout after {PrometheusDuration.Format(wait)}", ex);
        }
        catch (HttpRequestException ex)
        {
            var inner = ex.InnerException is { Message.Length: > 0 } i ? $" ({i.Message})" : "";
            throw new DiscoveryFailedException($"Get \"{DisplayUrl}\": {ex.Message}{inner}", ex);
        }
        catch (IOException ex)
        {
            throw new DiscoveryFailedException($"Get \"{DisplayUrl}\": error reading body: {ex.Message}", ex);
        }
        catch (ScrapeFailedException ex)
        {
            // The client could not be built (unreadable certificate) or a header file is missing.
            throw new DiscoveryFailedException(ex.Message, ex);
        }
        catch (FormatException ex)
        {
            throw new DiscoveryFailedException(ex.Message, ex);
        }
    }

    private static DiscoveryFailedException TooLarge() => new($"response body larger than {MaxBodyBytes >> 20} MiB");

    private sealed class DiscoveryFailedException : Exception
    {
        public DiscoveryFailedException(string message) : base(message) { }
        public DiscoveryFailedException(string message, Exception inner) : base(message, inner) { }
    }
}
