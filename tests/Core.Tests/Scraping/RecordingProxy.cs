using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FedFunctions.Core.Tests.Scraping;

/// <summary>
/// RecordingProxy is a small forward proxy on 127.0.0.1: CONNECT tunnels (for https) and absolute-form
/// requests (for http, forwarded with <c>Connection: close</c>). It records each request line and its headers.
/// </summary>
internal sealed class RecordingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public RecordingProxy()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Each request line with its headers (name → value, as sent).</summary>
    public ConcurrentQueue<(string RequestLine, IReadOnlyDictionary<string, string> Headers)> Seen { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            var head = await ReadHeadAsync(stream, timeout.Token);
            if (head is null) return;
            var lines = head.Split("\r\n");
            var headers = lines.Skip(1).Where(l => l.Contains(':', StringComparison.Ordinal))
                .ToDictionary(l => l[..l.IndexOf(':')], l => l[(l.IndexOf(':') + 1)..].Trim(), StringComparer.OrdinalIgnoreCase);
            Seen.Enqueue((lines[0], headers));
            var parts = lines[0].Split(' ');
            using var upstream = new TcpClient();
            if (parts[0] == "CONNECT")
            {
                var authority = parts[1].Split(':');
                await upstream.ConnectAsync(authority[0], int.Parse(authority[1], System.Globalization.CultureInfo.InvariantCulture), timeout.Token);
                await stream.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), timeout.Token);
                var up = upstream.GetStream();
                await Task.WhenAny(up.CopyToAsync(stream, timeout.Token), stream.CopyToAsync(up, timeout.Token));
                return;
            }
            var target = new Uri(parts[1]);
            await upstream.ConnectAsync(target.Host, target.Port, timeout.Token);
            var forwarded = new StringBuilder().Append(parts[0]).Append(' ').Append(target.PathAndQuery).Append(" HTTP/1.1\r\n");
            foreach (var (name, value) in headers)
            {
                if (name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase) || name.Equals("Connection", StringComparison.OrdinalIgnoreCase)) continue;
                forwarded.Append(name).Append(": ").Append(value).Append("\r\n");
            }
            forwarded.Append("Connection: close\r\n\r\n");
            var upstreamStream = upstream.GetStream();
            await upstreamStream.WriteAsync(Encoding.ASCII.GetBytes(forwarded.ToString()), timeout.Token);
            await upstreamStream.CopyToAsync(stream, timeout.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A closed connection ends the exchange.
        }
    }

    private static async Task<string?> ReadHeadAsync(NetworkStream stream, CancellationToken token)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 64 * 1024)
        {
            if (await stream.ReadAsync(one, token) == 0) return null;
            bytes.Add(one[0]);
            if (bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n')
                return Encoding.ASCII.GetString(bytes.ToArray(), 0, bytes.Count - 4);
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
