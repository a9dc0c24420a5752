using System.Collections.Concurrent;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FedFunctions.TestSupport;

/// <summary>What a <see cref="TargetServer"/> answers on one path.</summary>
public sealed record TargetResponse(byte[] Body, string ContentType = "text/plain; version=0.0.4; charset=utf-8", int Status = 200, TimeSpan Delay = default, bool Gzip = false)
{
    /// <summary>A text 0.0.4 answer.</summary>
    public static TargetResponse Text(string body) => new(System.Text.Encoding.UTF8.GetBytes(body));
}

/// <summary>One request a <see cref="TargetServer"/> received: its path, raw query (with the <c>?</c>) and headers.</summary>
public sealed record RecordedRequest(string Path, string RawQuery, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// TargetServer is the one loopback target of the tests: a real HTTP server on 127.0.0.1 that serves exposition
/// bodies (or a handler) per path, like an exporter would, and records what it was asked (headers, query) and
/// how many requests it served at once, so tests can check the scraper.
/// </summary>
public sealed class TargetServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, RequestDelegate> _routes = new(StringComparer.Ordinal);
    private int _inFlight;
    private int _maxInFlight;

    private TargetServer(WebApplication app) => _app = app;

    /// <summary>Requests received, in order.</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>The most requests the server was answering at the same time.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>The base address, e.g. <c>http://127.0.0.1:34567</c>.</summary>
    public string BaseAddress { get; private set; } = "";

    /// <summary>The <c>host:port</c> to put in a scrape config.</summary>
    public string HostPort => new Uri(BaseAddress).Authority;

    /// <summary>Every <c>host:port</c> the server listens on (one per endpoint asked for).</summary>
    public IReadOnlyList<string> HostPorts { get; private set; } = [];

    /// <summary>Sets what <paramref name="path"/> answers.</summary>
    public void Serve(string path, TargetResponse response) => _routes[path] = context => AnswerAsync(context, response);

    /// <summary>Serves <paramref name="body"/> (UTF-8) on <paramref name="path"/>.</summary>
    public void Serve(string path, string body, string contentType = "text/plain; version=0.0.4; charset=utf-8") =>
        Serve(path, new TargetResponse(System.Text.Encoding.UTF8.GetBytes(body), contentType));

    /// <summary>Serves <paramref name="body"/> on <paramref name="path"/>, optionally gzipped, late or with another status.</summary>
    public void Serve(string path, byte[] body, string contentType = "text/plain; version=0.0.4; charset=utf-8", bool gzip = false, TimeSpan delay = default, int status = 200) =>
        Serve(path, new TargetResponse(body, contentType, status, delay, gzip));

    /// <summary>Lets <paramref name="handler"/> answer <paramref name="path"/> (redirects, streamed bodies).</summary>
    public void Route(string path, RequestDelegate handler) => _routes[path] = handler;

    /// <summary>Starts a server on <paramref name="endpoints"/> free loopback ports (each one a distinct target).</summary>
    public static async Task<TargetServer> StartAsync(int endpoints = 1)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // Distinct free ports chosen up front: Kestrel folds repeated ":0" addresses into one.
        var ports = new HashSet<int>();
        for (var attempts = 0; ports.Count < endpoints && attempts < endpoints * 10; attempts++) ports.Add(FreePort.Next());
        var urls = endpoints == 1 ? ["http://127.0.0.1:0"] : ports.Select(p => $"http://127.0.0.1:{p}").ToArray();
        builder.WebHost.UseUrls(urls);
        var app = builder.Build();
        var server = new TargetServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseAddress = app.Urls.First().TrimEnd('/');
        server.HostPorts = app.Urls.Select(u => new Uri(u).Authority).ToArray();
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen) { }
        try
        {
            var request = context.Request;
            // Copied: Kestrel reuses the header collection once the request is over.
            var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            Requests.Enqueue(new RecordedRequest(request.Path.Value ?? "", request.QueryString.Value ?? "", headers));
            if (_routes.TryGetValue(request.Path.Value ?? "", out var handler)) await handler(context);
            else context.Response.StatusCode = 404;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static async Task AnswerAsync(HttpContext context, TargetResponse route)
    {
        if (route.Delay > TimeSpan.Zero)
        {
            try { await Task.Delay(route.Delay, context.RequestAborted); }
            catch (OperationCanceledException) { return; }
        }
        context.Response.StatusCode = route.Status;
        context.Response.ContentType = route.ContentType;
        if (route.Gzip)
        {
            context.Response.Headers.ContentEncoding = "gzip";
            await using var gzip = new GZipStream(context.Response.Body, CompressionLevel.Fastest, leaveOpen: true);
            await gzip.WriteAsync(route.Body);
        }
        else await context.Response.Body.WriteAsync(route.Body);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
