using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace FedFunctions.Core.Tests.Scraping;

/// <summary>
/// OAuth2TestServer is a client credentials token endpoint (<c>/token</c>) and a target (<c>/metrics</c>) that
/// accepts the tokens it issued on a real loopback Kestrel. <see cref="Revoke"/> makes the target answer 401
/// to the token in hand (as after an early expiry), so the scraper must fetch a new one.
/// </summary>
internal sealed class OAuth2TestServer : IAsyncDisposable
{
    private readonly LoopbackKestrel _server;
    private int _issued;
    private readonly ConcurrentDictionary<string, bool> _valid = new(StringComparer.Ordinal);

    private OAuth2TestServer(LoopbackKestrel server) => _server = server;

    public string HostPort => _server.HostPort;
    public string TokenUrl => _server.BaseAddress + "/token";
    public int ExpiresIn { get; set; } = 3600;
    public int TokenStatus { get; set; } = 200;

    /// <summary>The form bodies and Authorization headers of token requests, in order.</summary>
    public ConcurrentQueue<(string Form, string Authorization)> TokenRequests { get; } = new();

    public int Unauthorized => _unauthorized;

    private int _unauthorized;

    public void Revoke() => _valid.Clear();

    public static async Task<OAuth2TestServer> StartAsync()
    {
        var server = new OAuth2TestServer(await LoopbackKestrel.StartAsync());
        server._server.Route("/token", server.TokenAsync);
        server._server.Route("/metrics", server.MetricsAsync);
        return server;
    }

    private async Task TokenAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        TokenRequests.Enqueue((await reader.ReadToEndAsync(), context.Request.Headers.Authorization.ToString()));
        if (TokenStatus != 200)
        {
            context.Response.StatusCode = TokenStatus;
            return;
        }
        var token = "token-" + Interlocked.Increment(ref _issued);
        _valid[token] = true;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($"{{\"access_token\":\"{token}\",\"token_type\":\"bearer\",\"expires_in\":{ExpiresIn}}}");
    }

    private Task MetricsAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || !_valid.ContainsKey(header["Bearer ".Length..]))
        {
            Interlocked.Increment(ref _unauthorized);
            context.Response.StatusCode = 401;
            return Task.CompletedTask;
        }
        context.Response.ContentType = "text/plain; version=0.0.4";
        return context.Response.WriteAsync("protected_metric 3\n");
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
