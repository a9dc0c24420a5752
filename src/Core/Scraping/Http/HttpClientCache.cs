using System.Collections.Concurrent;
using System.Net;
using FedFunctions.Core.Configuration;

namespace FedFunctions.Core.Scraping.Http;

/// <summary>
/// HttpClientCache holds one HttpClient per distinct <see cref="HttpClientSettings"/> (keyed by
/// <see cref="HttpClientSettings.CacheKey"/>), reused across scrapes and runs. When a CA, cert or key file
/// changes (SHA-256 of the files, checked at each use: a few small reads), the client is rebuilt so a rotated
/// certificate applies without a restart; the old one is disposed after in-flight scrapes had time to end.
/// </summary>
internal sealed class HttpClientCache(TimeProvider time) : IDisposable
{
    // Longer than any scrape: an old client is disposed only once scrapes that hold it are over.
    private static readonly TimeSpan RetireAfter = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Builds counts the clients built so far (tests prove reuse and rotation with it).</summary>
    public int Builds => Volatile.Read(ref _builds);

    private int _builds;

    /// <summary>Get returns the client for <paramref name="settings"/>; a ScrapeFailedException when it cannot be built.</summary>
    public HttpClient Get(HttpClientSettings settings)
    {
        var entry = _entries.GetOrAdd(settings.CacheKey, _ => new Entry());
        var files = Files(settings);
        var hash = files.Count == 0 ? "" : TlsMaterial.FilesHash(files);
        lock (entry)
        {
            if (entry.Client is not null && entry.FilesHash == hash) return entry.Client;
            var built = Build(settings);
            Interlocked.Increment(ref _builds);
            if (entry.Client is { } old) Retire(old);
            entry.Client = built;
            entry.FilesHash = hash;
            return built;
        }
    }

    private static List<string> Files(HttpClientSettings settings)
    {
        var files = new List<string>();
        if (settings.Tls is { } tls) files.AddRange(tls.Files);
        if (settings.OAuth2?.Tls is { } oauthTls) files.AddRange(oauthTls.Files);
        return files;
    }

    private HttpClient Build(HttpClientSettings settings)
    {
        HttpMessageHandler handler = BuildTransport(settings.Tls, settings.Proxy, settings.FollowRedirects);
        if (settings.Headers.Count > 0) handler = new HeadersHandler(settings.Headers) { InnerHandler = handler };
        if (settings.OAuth2 is { } oauth)
        {
            var tokenClient = new HttpMessageInvoker(BuildTransport(oauth.Tls, oauth.Proxy, followRedirects: true), disposeHandler: true);
            handler = new OAuth2Handler(oauth, tokenClient, time) { InnerHandler = handler };
        }
        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>BuildTransport is Scraper.CreateHttpClient's handler plus TLS and proxy settings.</summary>
    private static SocketsHttpHandler BuildTransport(TlsSettings? tls, ProxySettings? proxy, bool followRedirects)
    {
        var handler = Scraper.NewTransport(followRedirects);
        if (tls is not null)
        {
            var material = TlsMaterial.TryLoad(tls, out var error) ?? throw new ScrapeFailedException(error!);
            var protocols = material.Protocols(out var versionError);
            if (versionError is not null)
            {
                material.Dispose();
                throw new ScrapeFailedException(versionError);
            }
            handler.SslOptions = material.ClientOptions(protocols);
        }
        if (proxy is not null)
        {
            var route = new ProxyRoute(proxy);
            handler.UseProxy = true;
            handler.Proxy = route;
            handler.ConnectCallback = route.ConnectAsync;
        }
        return handler;
    }

    private static void Retire(HttpClient old) =>
        _ = Task.Delay(RetireAfter).ContinueWith(_ => old.Dispose(), TaskScheduler.Default);

    public void Dispose()
    {
        foreach (var entry in _entries.Values)
        {
            lock (entry) entry.Client?.Dispose();
        }
        _entries.Clear();
    }

    private sealed class Entry
    {
        public HttpClient? Client;
        public string FilesHash = "";
    }
}
