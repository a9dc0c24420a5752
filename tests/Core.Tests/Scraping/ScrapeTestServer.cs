using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FedFunctions.Core.Tests.Scraping;

/// <summary>
/// ScrapeTestServer is a real HTTP server on 127.0.0.1 (HttpListener on a free port) whose routes are set
/// per test. It records every request and the highest number of requests in flight at once.
/// </summary>
internal sealed class ScrapeTestServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, Func<HttpListenerContext, Task>> _routes = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();
    private int _inFlight;
    private int _maxInFlight;

    public ScrapeTestServer()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public sealed record RecordedRequest(string Path, string RawQuery, IReadOnlyDictionary<string, string> Headers);

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Route(string path, Func<HttpListenerContext, Task> handler) => _routes[path] = handler;

    public void Serve(string path, byte[] body, string contentType = "text/plain; version=0.0.4; charset=utf-8", bool gzip = false, TimeSpan delay = default, int status = 200) =>
        Route(path, async context =>
        {
            if (delay > TimeSpan.Zero) await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
            var response = context.Response;
            response.StatusCode = status;
            response.ContentType = contentType;
            var payload = body;
            if (gzip)
            {
                using var buffer = new MemoryStream();
                using (var zip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) zip.Write(body);
                payload = buffer.ToArray();
                response.AddHeader("Content-Encoding", "gzip");
            }
            response.ContentLength64 = payload.Length;
            await response.OutputStream.WriteAsync(payload, _stop.Token).ConfigureAwait(false);
            response.Close();
        });

    public void Serve(string path, string body, string contentType = "text/plain; version=0.0.4; charset=utf-8") =>
        Serve(path, Encoding.UTF8.GetBytes(body), contentType);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen) { }
        try
        {
            var request = context.Request;
            var headers = request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            var path = request.Url!.AbsolutePath;
            Requests.Enqueue(new RecordedRequest(path, request.Url.Query, headers));
            if (_routes.TryGetValue(path, out var handler)) await handler(context).ConfigureAwait(false);
            else
            {
                context.Response.StatusCode = 404;
                context.Response.Close();
            }
        }
        catch (Exception)
        {
            // The client went away (timeout tests) or the server is stopping.
            try { context.Response.Abort(); } catch (ObjectDisposedException) { }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
