using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace FedFunctions.LoadTest;

/// <summary>One way of asking <c>/federate</c>: which series, which format, compressed or not.</summary>
/// <remarks>
/// With <paramref name="Unrepeated"/> every request adds to each selector a matcher <c>bench_N=""</c> (N counting
/// requests) that every series satisfies: the same series, but no two requests alike, so fed-functions' selection
/// cache (which answers a repeated <c>match[]</c> set while no snapshot changed) cannot serve it.
/// </remarks>
internal sealed record FederatePath(string Name, string[] Matches, string? Accept, bool Gzip, bool Unrepeated = false)
{
    public const string ProtobufAccept = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";

    private static readonly string[] Everything = ["{__name__=~\".+\"}"];
    private static readonly string[] Selective = ["node_cpu_seconds_total{mode=\"idle\"}", "node_load1"];

    /// <summary>Whether this path asks for a few hundred series (not everything).</summary>
    public bool IsSelective => !ReferenceEquals(Matches, Everything);

    /// <summary>The paths compared: everything as text, gzipped text, protobuf, gzipped protobuf, and selective text requests (repeated, and no two alike).</summary>
    public static IReadOnlyList<FederatePath> All { get; } =
    [
        new("text", Everything, null, false),
        new("gzip (text)", Everything, null, true),
        new("protobuf", Everything, ProtobufAccept, false),
        new("protobuf + gzip", Everything, ProtobufAccept, true),
        new("selective (text)", Selective, null, false),
        new("selective, no two requests alike", Selective, null, false, Unrepeated: true),
    ];

    private static int _requests;

    public string Url
    {
        get
        {
            var matches = Matches;
            if (Unrepeated)
            {
                var label = $"bench_{Interlocked.Increment(ref _requests)}=\"\"";
                matches = [.. matches.Select(m => m.EndsWith('}') ? m[..^1] + "," + label + "}" : m + "{" + label + "}")];
            }
            return "/federate?" + string.Join("&", matches.Select(m => "match[]=" + Uri.EscapeDataString(m)));
        }
    }

    // One buffer for every timed read: a fresh 256 KB array per request is a large-object allocation that makes the
    // load program's own garbage collections part of every small answer's time. Requests are timed one at a time.
    private static readonly byte[] ReadBuffer = new byte[256 * 1024];

    /// <summary>One request, timed to the last byte of the (still compressed) body.</summary>
    public async Task<(double Seconds, long Bytes)> TimeAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url);
        if (Accept is not null) request.Headers.TryAddWithoutValidation("Accept", Accept);
        if (Gzip) request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        var watch = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        if (Gzip != response.Content.Headers.ContentEncoding.Contains("gzip")) throw new InvalidOperationException($"{Name}: unexpected Content-Encoding");
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = ReadBuffer;
        long bytes = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0) bytes += read;
        return (watch.Elapsed.TotalSeconds, bytes);
    }
}

/// <summary>Warm medians of one path on both servers, measured alternately in the same run.</summary>
internal sealed record PathResult(string Path, double Ours, double Theirs, long OurBytes, long TheirBytes)
{
    /// <summary>
    /// One untimed warm-up request each (ours re-reads the snapshots a scrape run just replaced; 200 for a selective path),
    /// then <paramref name="requests"/> rounds (at least 50 for a selective path) of one request to each server,
    /// alternating which goes first.
    /// </summary>
    /// <remarks>
    /// Ours serves what its last scrape run stored, and only within the 5 min lookback: when Prometheus is slow
    /// enough (a busy machine, many targets) for a path to take minutes, <paramref name="refresh"/> runs another
    /// scrape run (and an untimed request after it) once a minute, so no timed request meets expired snapshots.
    /// </remarks>
    public static async Task<PathResult> MeasureAsync(FederatePath path, HttpClient ours, HttpClient theirs, int requests, Func<Task> refresh)
    {
        await refresh();
        var refreshed = Stopwatch.StartNew();
        // A selective request takes milliseconds: 10 of them would still run code the .NET JIT has not optimised yet
        // (tiering promotes a method after 30 calls, in the background, once no new method has been compiled for 100 ms;
        // 30 warm-ups still left the timed rounds speeding up), so cheap paths warm up with 200 and take 50 rounds.
        var cheap = path.IsSelective;
        for (var i = 0; i < (cheap ? 200 : 1); i++)
        {
            await path.TimeAsync(ours);
            await path.TimeAsync(theirs);
        }
        if (cheap) requests = Math.Max(requests, 50);
        var a = new List<double>();
        var b = new List<double>();
        long aBytes = 0, bBytes = 0;
        for (var i = 0; i < requests; i++)
        {
            if (refreshed.Elapsed > TimeSpan.FromMinutes(1))
            {
                await refresh();
                await path.TimeAsync(ours);
                refreshed.Restart();
            }
            if (i % 2 == 0)
            {
                (var s, aBytes) = await path.TimeAsync(ours);
                a.Add(s);
                (s, bBytes) = await path.TimeAsync(theirs);
                b.Add(s);
            }
            else
            {
                (var s, bBytes) = await path.TimeAsync(theirs);
                b.Add(s);
                (s, aBytes) = await path.TimeAsync(ours);
                a.Add(s);
            }
        }
        var result = new PathResult(path.Name, a.Median(), b.Median(), aBytes, bBytes);
        Console.WriteLine($"{path.Name}: ours {string.Join(" ", a.Select(Ms))} | prometheus {string.Join(" ", b.Select(Ms))}");
        return result;
    }

    /// <summary>
    /// A selective path measured again in blocks: 10 requests to one server, then 10 to the other, five times each,
    /// alternating which goes first (after the warm-up <see cref="MeasureAsync"/> did). Interleaved, every other
    /// request of ours runs right after one of Prometheus' on the same two cores, and a 1 ms answer pays for the
    /// caches and parked threads the other server left behind (about 1 ms here); in production the two never share
    /// a machine. Blocks still alternate, so drift of the machine hits both alike.
    /// </summary>
    public static async Task<PathResult> MeasureInBlocksAsync(FederatePath path, HttpClient ours, HttpClient theirs)
    {
        const int blocks = 5, perBlock = 10;
        var a = new List<double>();
        var b = new List<double>();
        long aBytes = 0, bBytes = 0;
        for (var block = 0; block < 2 * blocks; block++)
        {
            // Pairs of blocks: ours then Prometheus', then Prometheus' then ours, and so on.
            var firstOfPair = block % 2 == 0;
            var oursFirst = block / 2 % 2 == 0;
            var oursNow = firstOfPair == oursFirst;
            for (var i = 0; i < perBlock; i++)
            {
                var (s, bytes) = await path.TimeAsync(oursNow ? ours : theirs);
                if (oursNow) { a.Add(s); aBytes = bytes; }
                else { b.Add(s); bBytes = bytes; }
            }
        }
        var result = new PathResult(path.Name + ", in blocks of 10", a.Median(), b.Median(), aBytes, bBytes);
        Console.WriteLine($"{result.Path}: ours {string.Join(" ", a.Select(Ms))} | prometheus {string.Join(" ", b.Select(Ms))}");
        return result;
    }

    public static string Table(IEnumerable<PathResult> results, int targets, long series)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"/federate, {targets} targets, {series} series; warm medians, measured alternately:");
        sb.AppendLine();
        sb.AppendLine("| path | fed-functions | Prometheus 2.42 | ratio | bytes fed-functions | bytes Prometheus |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Path} | {Ms(r.Ours)} ms | {Ms(r.Theirs)} ms | {r.Ours / r.Theirs:0.00}x | {r.OurBytes:N0} | {r.TheirBytes:N0} |");
        }
        return sb.ToString();
    }

    private static string Ms(double seconds) => (seconds * 1000).ToString(seconds < 0.01 ? "0.0" : "0", CultureInfo.InvariantCulture);
}
