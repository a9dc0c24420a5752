using FedFunctions.Core.Exposition.Protobuf;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace FedFunctions.TestSupport;

/// <summary>
/// ProtobufTarget is a loopback exporter that speaks only Prometheus' delimited protobuf format, as a client
/// library does when a scraper asks for it: the body is built with the types generated from <c>metrics.proto</c>
/// and framed with Google.Protobuf's own <c>WriteDelimitedTo</c>. A scrape whose Accept header does not ask for
/// protobuf gets 406, so a test sees which scrapers negotiated it. The families served stay the same until the
/// test publishes new ones, so every scraper reads one known state.
/// </summary>
internal sealed class ProtobufTarget : IAsyncDisposable
{
    /// <summary>The Content-Type of the answers (what client_golang sends).</summary>
    public const string ContentType = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    private const string MediaType = "application/vnd.google.protobuf";

    private readonly TargetServer _server;
    private byte[] _body = [];
    private int _served;
    private int _refused;

    private ProtobufTarget(TargetServer server, string path)
    {
        _server = server;
        Path = path;
    }

    /// <summary>The path the families are served on.</summary>
    public string Path { get; }

    /// <summary>The <c>host:port</c> to put in a scrape config.</summary>
    public string HostPort => _server.HostPort;

    /// <summary>How many protobuf answers were served.</summary>
    public int Served => Volatile.Read(ref _served);

    /// <summary>How many scrapes were refused because their Accept header did not ask for protobuf.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>The User-Agent of every request, in order.</summary>
    public IEnumerable<string> UserAgents => _server.Requests.Select(r => r.Headers.GetValueOrDefault("User-Agent", ""));

    /// <summary>Starts the target on a free loopback port, serving no families yet.</summary>
    public static async Task<ProtobufTarget> StartAsync(string path = "/metrics")
    {
        var server = await TargetServer.StartAsync();
        var target = new ProtobufTarget(server, path);
        server.Route(path, target.AnswerAsync);
        return target;
    }

    /// <summary>Serves <paramref name="families"/> from now on (every later scrape reads exactly these).</summary>
    public void Publish(IEnumerable<MetricFamily> families) => Volatile.Write(ref _body, Encode(families));

    /// <summary>The delimited body of <paramref name="families"/>: each message prefixed by its varint length.</summary>
    public static byte[] Encode(IEnumerable<MetricFamily> families)
    {
        ArgumentNullException.ThrowIfNull(families);
        using var stream = new MemoryStream();
        foreach (var family in families) family.WriteDelimitedTo(stream);
        return stream.ToArray();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var accept = context.Request.Headers.Accept.ToString();
        if (!accept.Contains(MediaType, StringComparison.OrdinalIgnoreCase))
        {
            Interlocked.Increment(ref _refused);
            context.Response.StatusCode = StatusCodes.Status406NotAcceptable;
            await context.Response.WriteAsync("this target only speaks " + MediaType);
            return;
        }
        var body = Volatile.Read(ref _body);
        Interlocked.Increment(ref _served);
        context.Response.ContentType = ContentType;
        await context.Response.Body.WriteAsync(body);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
