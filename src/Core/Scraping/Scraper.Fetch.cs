using System.IO.Compression;
using System.Net;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Exposition;

namespace FedFunctions.Core.Scraping;

public sealed partial class Scraper
{
    // GET, check the status, read at most BodySizeLimitBytes (decompressing gzip if the handler did not),
    // and parse by Content-Type. Every target-caused failure becomes a ScrapeFailedException.
    private async Task<ExpositionDocument> FetchAndParseAsync(ScrapeTarget target, CancellationToken cancellationToken)
    {
        var timeout = target.ScrapeTimeout;
        using var timeoutCts = new CancellationTokenSource(timeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        var token = linked.Token;
        var url = target.Url.AbsoluteUri;
        var job = target.Job;
        var limit = job.BodySizeLimitBytes > 0 ? job.BodySizeLimitBytes : _options.BodySizeLimitBytes;
        // Jobs with TLS, OAuth2, proxy or header settings get their own cached client (built on first use).
        var client = job.Http.NeedsOwnHandler ? _clients.Get(job.Http)
            : job.FollowRedirects ? _httpClient : _noRedirectClient ?? SharedNoRedirectClient.Value;

        using var request = new HttpRequestMessage(HttpMethod.Get, target.Url);
        // enable_http2: HTTP/2 offered through ALPN over TLS (plain http stays HTTP/1.1, as in Go).
        request.Version = job.Http.EnableHttp2 ? HttpVersion.Version20 : HttpVersion.Version11;
        request.VersionPolicy = job.Http.EnableHttp2 ? HttpVersionPolicy.RequestVersionOrLower : HttpVersionPolicy.RequestVersionExact;
        request.Headers.TryAddWithoutValidation("Accept", AcceptHeaderFor(job.ScrapeProtocols, job.NameEscapingScheme));
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.TryAddWithoutValidation(TimeoutHeader, FormatSeconds(timeout));
        if (job.Authorization is { } authorization)
        {
            // Secret files are read at each scrape so rotated secrets apply; the error names the file only.
            if (!authorization.TryCreateHeaderValue(out var headerValue, out var authError))
                throw new ScrapeFailedException(authError!);
            if (headerValue is not null) request.Headers.TryAddWithoutValidation("Authorization", headerValue);
        }

        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is < 200 or > 299)
                throw new ScrapeFailedException($"server returned HTTP status {status} {response.ReasonPhrase}".TrimEnd());

            var content = response.Content;
            if (content.Headers.ContentLength is { } length && length > limit && content.Headers.ContentEncoding.Count == 0)
                throw BodyTooLarge(limit);

            var stream = await content.ReadAsStreamAsync(token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                // A client without automatic decompression leaves the gzip body to us.
                var body = content.Headers.ContentEncoding.Contains("gzip", StringComparer.OrdinalIgnoreCase)
                    ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true)
                    : stream;
                BodyBuffer buffer;
                try
                {
                    buffer = await BodyBuffer.ReadAsync(body, limit, _options.InMemoryBodyBytes, token).ConfigureAwait(false);
                }
                catch (InvalidDataException ex)
                {
                    throw new ScrapeFailedException($"invalid gzip body: {ex.Message}", ex);
                }
                finally
                {
                    if (!ReferenceEquals(body, stream)) await body.DisposeAsync().ConfigureAwait(false);
                }

                await using var _ = buffer.ConfigureAwait(false);
                var whole = await buffer.ToContiguousAsync(token).ConfigureAwait(false);
                // The raw header: .NET drops a Content-Type it cannot parse, Prometheus reports it.
                var contentType = content.Headers.NonValidated.TryGetValues("Content-Type", out var values) ? values.ToString() : null;
                var format = ScrapeContentType.Choose(contentType, job.FallbackScrapeProtocol);
                try
                {
                    return ExpositionParser.Parse(whole.Span, format, ParseOptions(job));
                }
                catch (ExpositionParseException ex)
                {
                    throw new ScrapeFailedException(ex.Message, ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // the whole run was cancelled: not the target's fault
        }
        catch (OperationCanceledException ex) when (timeoutCts.IsCancellationRequested)
        {
            throw new ScrapeFailedException($"Get \"{url}\": context deadline exceeded (scrape_timeout {PrometheusDuration.Format(timeout)})", ex);
        }
        catch (OperationCanceledException ex)
        {
            // The HttpClient's own Timeout (a caller-supplied client) fired.
            throw new ScrapeFailedException($"Get \"{url}\": HTTP client timeout: {ex.Message}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ScrapeFailedException($"Get \"{url}\": {Describe(ex)}", ex);
        }
        catch (IOException ex)
        {
            throw new ScrapeFailedException($"Get \"{url}\": error reading body: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is not ScrapeFailedException and not OperationCanceledException)
        {
            // Whatever else a target can provoke must not escape: one bad target never fails the run.
            throw new ScrapeFailedException($"Get \"{url}\": {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    private static ExpositionParseOptions ParseOptions(ScrapeJobConfig job) =>
        !job.ScrapeNativeHistograms && !job.AlwaysScrapeClassicHistograms && !job.ConvertClassicHistogramsToNhcb
            ? ExpositionParseOptions.Default
            : new ExpositionParseOptions
            {
                ScrapeNativeHistograms = job.ScrapeNativeHistograms,
                AlwaysScrapeClassicHistograms = job.AlwaysScrapeClassicHistograms,
                ConvertClassicHistogramsToNhcb = job.ConvertClassicHistogramsToNhcb,
            };

    private static ScrapeFailedException BodyTooLarge(long limit) => BodyBuffer.BodyTooLarge(limit);

    private static string Describe(HttpRequestException ex)
    {
        // "Connection refused (127.0.0.1:9)" is more useful than the outer "An error occurred while sending the request."
        var inner = ex.InnerException;
        return inner is not null && !string.IsNullOrEmpty(inner.Message) ? $"{ex.Message} ({inner.Message})" : ex.Message;
    }
}
