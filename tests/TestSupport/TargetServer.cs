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

/// <summary>
/// TargetServer is a real HTTP server on 127.0.0.1 that serves exposition bodies per path, like an
/// exporter would, and records what it was asked (headers, query) so tests can check the scraper.
/// </summary>
public sealed class TargetServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, TargetResponse> _routes = new(StringComparer.Ordinal);

    private TargetServer(WebApplication app) => _app = app;

    /// <summary>Requests received, in order.</summary>
    public ConcurrentQueue<(string Path, string Query, IHeaderDictionary Headers)> Requests { get; } = new();

    /// <summary>The base address, e.g. <c>http://127.0.0.1:34567</c>.</summary>
    public string BaseAddress { get; private set; } = "";

    /// <summary>The <c>host:port</c> to put in a scrape config.</summary>
    public string HostPort => new Uri(BaseAddress).Authority;

    /// <summary>Every <c>host:port</c> the server listens on (one per endpoint asked for).</summary>
    public IReadOnlyList<string> HostPorts { get; private set; } = [];

    /// <summary>Sets what <paramref name="path"/> answers.</summary>
    public void Serve(string path, TargetResponse response) => _routes[path] = response;

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
        Requests.Enqueue((context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "", context.Request.Headers));
        if (!_routes.TryGetValue(context.Request.Path.Value ?? "", out var route))
        {
            context.Response.StatusCode = 404;
            return;
        }
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
