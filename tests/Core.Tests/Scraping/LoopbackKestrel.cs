using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using FedFunctions.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace FedFunctions.Core.Tests.Scraping;

/// <summary>
/// LoopbackKestrel is a real Kestrel server on 127.0.0.1, plain or HTTPS (optionally demanding a client
/// certificate issued by a given CA), whose routes are set per test; it records each request's path,
/// protocol, headers and client certificate subject.
/// </summary>
internal sealed class LoopbackKestrel : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.Ordinal);

    private LoopbackKestrel(WebApplication app, string baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public string BaseAddress { get; }
    public string HostPort => new Uri(BaseAddress).Authority;
    public ConcurrentQueue<(string Path, string Protocol, IHeaderDictionary Headers, string? ClientSubject)> Requests { get; } = new();

    public void Route(string path, Func<HttpContext, Task> handler) => _routes[path] = handler;

    public void ServeText(string path, string body) => Route(path, context =>
    {
        context.Response.ContentType = "text/plain; version=0.0.4";
        return context.Response.WriteAsync(body);
    });

    public static async Task<LoopbackKestrel> StartAsync(X509Certificate2? serverCertificate = null, X509Certificate2? requireClientCa = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = FreePort.Next();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
        {
            if (serverCertificate is null) return;
            listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1AndHttp2;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = serverCertificate,
                ClientCertificateMode = requireClientCa is null ? ClientCertificateMode.NoCertificate : ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (certificate, _, _) => requireClientCa is not null && TestPki.ChainsTo(certificate, requireClientCa),
            });
        }));
        var app = builder.Build();
        var scheme = serverCertificate is null ? "http" : "https";
        var server = new LoopbackKestrel(app, $"{scheme}://127.0.0.1:{port}");
        app.Run(server.HandleAsync);
        await app.StartAsync();
        return server;
    }

    private Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        Requests.Enqueue((path, context.Request.Protocol, context.Request.Headers, context.Connection.ClientCertificate?.GetNameInfo(X509NameType.SimpleName, false)));
        if (_routes.TryGetValue(path, out var route)) return route(context);
        context.Response.StatusCode = 404;
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
