using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FedFunctions.Core.Configuration;

namespace FedFunctions.Core.Scraping.Http;

/// <summary>
/// OAuth2Handler adds <c>Authorization: Bearer &lt;token&gt;</c> from a client credentials grant. The token is
/// cached until 10 s before it expires (forever without <c>expires_in</c>, as Go's oauth2) and fetched again
/// once when the target answers 401. Errors name the token URL and the status, never a secret or the body.
/// </summary>
internal sealed class OAuth2Handler(OAuth2Settings settings, HttpMessageInvoker tokenClient, TimeProvider time) : DelegatingHandler
{
    private static readonly TimeSpan ExpiryDelta = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _fetch = new(1, 1);
    private (string Header, DateTimeOffset? Expiry, long Generation)? _token;
    private long _generation;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is not null) return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var token = await TokenAsync(staleGeneration: null, cancellationToken).ConfigureAwait(false);
        request.Headers.TryAddWithoutValidation("Authorization", token.Header);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized) return response;

        // The target no longer accepts the token (revoked, or expired early): fetch a new one and retry once.
        response.Dispose();
        token = await TokenAsync(staleGeneration: token.Generation, cancellationToken).ConfigureAwait(false);
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", token.Header);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(string Header, DateTimeOffset? Expiry, long Generation)> TokenAsync(long? staleGeneration, CancellationToken cancellationToken)
    {
        if (Usable(_token, staleGeneration) is { } cached) return cached;
        await _fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another scrape may have fetched it while this one waited.
            if (Usable(_token, staleGeneration) is { } fresh) return fresh;
            var fetched = await FetchAsync(cancellationToken).ConfigureAwait(false);
            var token = (fetched.Header, fetched.Expiry, ++_generation);
            _token = token;
            return token;
        }
        finally
        {
            _fetch.Release();
        }
    }

    private (string Header, DateTimeOffset? Expiry, long Generation)? Usable((string Header, DateTimeOffset? Expiry, long Generation)? token, long? staleGeneration)
    {
        if (token is not { } t) return null;
        if (staleGeneration is { } stale && t.Generation <= stale) return null;
        if (t.Expiry is { } expiry && time.GetUtcNow() >= expiry - ExpiryDelta) return null;
        return t;
    }

    private async Task<(string Header, DateTimeOffset? Expiry)> FetchAsync(CancellationToken cancellationToken)
    {
        var secret = settings.ClientSecret;
        if (settings.ClientSecretFile is { } file)
        {
            try
            {
                secret = (await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false)).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ScrapeFailedException($"unable to read oauth2 client secret file {file}: {ex.Message}");
            }
        }

        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (settings.Scopes.Count > 0) form.Add(new("scope", string.Join(' ', settings.Scopes)));
        foreach (var (name, value) in settings.EndpointParams)
        {
            var index = form.FindIndex(p => p.Key == name);
            if (index >= 0 && name != "grant_type")
                throw new ScrapeFailedException($"oauth2: cannot overwrite parameter \"{name}\"");
            if (index >= 0) form[index] = new(name, value);
            else form.Add(new(name, value));
        }

        var where = settings.TokenUrl.GetLeftPart(UriPartial.Path);
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.TokenUrl) { Content = new FormUrlEncodedContent(form) };
        // Client authentication as HTTP Basic with URL-escaped id and secret (RFC 6749 2.3.1, Go's AuthStyleInHeader).
        var basic = Uri.EscapeDataString(settings.ClientId) + ":" + Uri.EscapeDataString(secret);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(basic)));
        request.Headers.TryAddWithoutValidation("User-Agent", Scraper.UserAgent);
        request.Headers.TryAddWithoutValidation("Accept", "application/json");

        HttpResponseMessage response;
        try
        {
            response = await tokenClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new ScrapeFailedException($"oauth2: cannot fetch token from {where}: {ex.Message}", ex);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new ScrapeFailedException($"oauth2: cannot fetch token from {where}: {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd());
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                var accessToken = root.TryGetProperty("access_token", out var at) && at.ValueKind == JsonValueKind.String ? at.GetString() : null;
                if (string.IsNullOrEmpty(accessToken)) throw new ScrapeFailedException($"oauth2: server response from {where} missing access_token");
                var type = root.TryGetProperty("token_type", out var tt) && tt.ValueKind == JsonValueKind.String ? tt.GetString() : null;
                // Go's Token.Type(): empty or any case of "bearer" becomes "Bearer".
                type = string.IsNullOrEmpty(type) || type.Equals("bearer", StringComparison.OrdinalIgnoreCase) ? "Bearer" : type;
                DateTimeOffset? expiry = root.TryGetProperty("expires_in", out var ei) && ei.ValueKind == JsonValueKind.Number && ei.GetInt64() > 0
                    ? time.GetUtcNow().AddSeconds(ei.GetInt64())
                    : null;
                return ($"{type} {accessToken}", expiry);
            }
            catch (JsonException ex)
            {
                throw new ScrapeFailedException($"oauth2: cannot parse token response from {where}: {ex.GetType().Name}", ex);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            tokenClient.Dispose();
            _fetch.Dispose();
        }
        base.Dispose(disposing);
    }
}
