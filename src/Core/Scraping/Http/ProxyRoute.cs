using System.Net;
using System.Net.Sockets;
using System.Text;
using FedFunctions.Core.Configuration;

namespace FedFunctions.Core.Scraping.Http;

/// <summary>
/// ProxyRoute decides, per request, whether to go through the proxy, as Go's transport does: <c>proxy_url</c>
/// alone proxies everything (loopback included); with <c>no_proxy</c> or <c>proxy_from_environment</c> the
/// rules of x/net httpproxy apply (loopback never proxied; the list holds hosts, domains, IPs and CIDRs, with
/// optional ports). Plain http goes to the proxy in absolute form; https is tunnelled with CONNECT, carrying
/// <c>proxy_connect_header</c>.
/// </summary>
internal sealed class ProxyRoute : IWebProxy
{
    private readonly Uri? _httpProxy, _httpsProxy;
    private readonly NoProxyList? _noProxy;
    private readonly IReadOnlyList<HeaderSetting> _connectHeaders;

    public ProxyRoute(ProxySettings settings, Func<string, string?>? environment = null)
    {
        _connectHeaders = settings.ConnectHeaders;
        if (settings.FromEnvironment)
        {
            var env = environment ?? Environment.GetEnvironmentVariable;
            string? Var(string name) => env(name) is { Length: > 0 } upper ? upper : env(name.ToLowerInvariant());
            _httpProxy = ParseProxy(Var("HTTP_PROXY"));
            _httpsProxy = ParseProxy(Var("HTTPS_PROXY"));
            _noProxy = new NoProxyList(Var("NO_PROXY") ?? "");
        }
        else
        {
            _httpProxy = _httpsProxy = settings.ProxyUrl;
            _noProxy = settings.NoProxy.Length > 0 ? new NoProxyList(settings.NoProxy) : null;
        }
    }

    public ICredentials? Credentials { get; set; }

    /// <summary>ProxyFor is the proxy for <paramref name="target"/>, or null to connect directly.</summary>
    public Uri? ProxyFor(Uri target)
    {
        var proxy = target.Scheme == Uri.UriSchemeHttps ? _httpsProxy : _httpProxy;
        if (proxy is null) return null;
        if (_noProxy is not null && !_noProxy.UseProxy(target.IdnHost, target.Port)) return null;
        return proxy;
    }

    // SocketsHttpHandler asks these for plain http only: https is tunnelled by ConnectAsync.
    public Uri? GetProxy(Uri destination) => ProxyFor(destination);

    public bool IsBypassed(Uri host) => host.Scheme == Uri.UriSchemeHttps || ProxyFor(host) is null;

    /// <summary>ConnectAsync is the handler's ConnectCallback: a CONNECT tunnel for proxied https, else a direct connection.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var target = context.InitialRequestMessage.RequestUri;
        var proxy = target is not null && target.Scheme == Uri.UriSchemeHttps ? ProxyFor(target) : null;
        if (proxy is null) return await DirectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);

        var stream = await DirectAsync(proxy.IdnHost, proxy.Port, cancellationToken).ConfigureAwait(false);
        try
        {
            var authority = $"{context.DnsEndPoint.Host}:{context.DnsEndPoint.Port}";
            var request = new StringBuilder().Append("CONNECT ").Append(authority).Append(" HTTP/1.1\r\nHost: ").Append(authority).Append("\r\n");
            if (proxy.UserInfo.Length > 0)
                request.Append("Proxy-Authorization: Basic ").Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(proxy.UserInfo)))).Append("\r\n");
            foreach (var header in _connectHeaders)
            {
                foreach (var value in header.Values) request.Append(header.Name).Append(": ").Append(value).Append("\r\n");
            }
            request.Append("\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), cancellationToken).ConfigureAwait(false);
            var status = await ReadConnectResponseAsync(stream, cancellationToken).ConfigureAwait(false);
            if (!status.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) && !status.StartsWith("HTTP/1.0 200", StringComparison.Ordinal))
                throw new HttpRequestException($"proxyconnect tcp: proxy {proxy.IdnHost}:{proxy.Port} refused CONNECT: {status}");
            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<Stream> DirectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // Reads the proxy's answer byte by byte up to the blank line (at most 16 KiB), so no tunnelled byte is consumed.
    private static async Task<string> ReadConnectResponseAsync(Stream stream, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>(256);
        var one = new byte[1];
        while (bytes.Count < 16 * 1024)
        {
            if (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0) break;
            bytes.Add(one[0]);
            var n = bytes.Count;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n')
                return Encoding.ASCII.GetString(bytes.ToArray()).Split("\r\n")[0];
        }
        throw new HttpRequestException("proxyconnect tcp: malformed or missing response to CONNECT");
    }

    private static Uri? ParseProxy(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        // Go accepts "host:port" without a scheme and assumes http.
        return Uri.TryCreate(value.Contains("://", StringComparison.Ordinal) ? value : "http://" + value, UriKind.Absolute, out var uri) ? uri : null;
    }
}

/// <summary>NoProxyList is x/net httpproxy's NO_PROXY matching: <c>*</c>, IPs, CIDRs, domains (with subdomains), optional ports.</summary>
internal sealed class NoProxyList(string list)
{
    private readonly string[] _entries = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(e => e.ToLowerInvariant()).ToArray();

    public bool UseProxy(string host, int port)
    {
        host = host.ToLowerInvariant().Trim('[', ']');
        if (host == "localhost") return false;
        var ip = IPAddress.TryParse(host, out var parsed) ? parsed : null;
        if (ip is not null && IPAddress.IsLoopback(ip)) return false;
        foreach (var entry in _entries)
        {
            if (entry == "*") return false;
            if (entry.Contains('/', StringComparison.Ordinal))
            {
                if (ip is not null && IPNetwork.TryParse(entry, out var network) && network.Contains(ip)) return false;
                continue;
            }
            var (name, entryPort) = SplitPort(entry);
            if (entryPort is { } p && p != port) continue;
            if (IPAddress.TryParse(name.Trim('[', ']'), out var entryIp))
            {
                if (ip is not null && entryIp.Equals(ip)) return false;
                continue;
            }
            var domain = name.TrimStart('*').TrimStart('.');
            if (host == domain || host.EndsWith("." + domain, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    private static (string Name, int? Port) SplitPort(string entry)
    {
        var colon = entry.LastIndexOf(':');
        if (colon > 0 && entry.IndexOf(':') == colon && int.TryParse(entry[(colon + 1)..], out var port)) return (entry[..colon], port);
        if (entry.StartsWith('[') && entry.Contains("]:", StringComparison.Ordinal) && int.TryParse(entry[(entry.IndexOf("]:", StringComparison.Ordinal) + 2)..], out var v6port))
            return (entry[..(entry.IndexOf(']') + 1)], v6port);
        return (entry, null);
    }
}
