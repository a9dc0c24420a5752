using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net.Sockets;
using System.Text;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Federation;
using FedFunctions.Core.Model;
using FedFunctions.Functions.Configuration;
using FedFunctions.Functions.Endpoints;
using FedFunctions.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// /federate streams large answers through its chunk buffer: the bytes equal what the writers produce for the
/// same families in one piece (text, protobuf, gzip), a series larger than a chunk and UTF-8 names and values
/// come out whole, and a client that leaves mid-answer is counted as 499 without disturbing later answers.
/// </summary>
[Collection(FederateStreamingCollection.Name)]
public sealed class FederateStreamingTests(FederateStreamingFixture fixture)
{
    private const string ProtobufAccept = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";

    [Theory]
    [InlineData(null, NameEscapingScheme.Underscores, false)]
    [InlineData("text/plain;version=0.0.4;escaping=allow-utf-8", NameEscapingScheme.AllowUtf8, false)]
    [InlineData(ProtobufAccept, NameEscapingScheme.Underscores, true)]
    [InlineData(ProtobufAccept + ";escaping=allow-utf-8", NameEscapingScheme.AllowUtf8, true)]
    public async Task TheAnswerEqualsTheWritersOutputForTheSameFamilies(string? accept, NameEscapingScheme escaping, bool protobuf)
    {
        var expected = fixture.Expected(escaping, protobuf);
        Assert.True(expected.Length > 16 * FederateEndpoint.FlushBytes, $"the answer spans many chunks and flushes: {expected.Length} bytes");

        using (var plain = await GetAsync(accept, gzip: false))
        {
            await AssertSameBytesAsync(expected, await plain.Content.ReadAsStreamAsync(), "the streamed answer");
        }

        using var zipped = await GetAsync(accept, gzip: true);
        var compressed = await zipped.Content.ReadAsByteArrayAsync();
        Assert.True(compressed.Length < expected.Length / 4, $"gzip should shrink the answer: {compressed.Length} of {expected.Length} bytes");
        await using var unzipped = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        await AssertSameBytesAsync(expected, unzipped, "the gzipped answer, decompressed,");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(ProtobufAccept)]
    public async Task AnEmptyGzippedAnswerIsStillAGzipStream(string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/federate?match[]=" + Uri.EscapeDataString("{__name__=\"nothing_matches_this\"}"));
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        using var response = await fixture.App.Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.NotEmpty(body); // a gzip reader refuses an empty body (EOF before the header)
        await using var unzipped = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        Assert.Equal(-1, unzipped.ReadByte());
    }

    [Fact]
    public async Task TheHugeSeriesAndUtf8NamesComeOutWhole()
    {
        using var response = await GetAsync("text/plain;version=0.0.4;escaping=allow-utf-8", gzip: false);
        var body = await response.Content.ReadAsStringAsync();
        const string hugeLineStart = "\nhuge_blob{";
        var start = body.IndexOf(hugeLineStart, StringComparison.Ordinal);
        Assert.True(start >= 0, "the huge series is missing");
        Assert.Equal(-1, body.IndexOf(hugeLineStart, start + 1, StringComparison.Ordinal));
        var line = body.AsSpan(start + 1, body.IndexOf('\n', start + 1) - start - 1);
        Assert.True(line.Contains("blob=\"" + FederateStreamingFixture.EscapedHugeValue + "\"", StringComparison.Ordinal), "the huge label value is not whole");
        Assert.Contains("{\"größe.total\",", body, StringComparison.Ordinal);
        Assert.Contains("\"ключ.метки\"=\"значение \\\"в кавычках\\\"\"", body, StringComparison.Ordinal);
    }

    /// <summary>What the leaving client reads of the answer before it resets the connection.</summary>
    private const int ReadBeforeLeaving = 64 * 1024;

    /// <summary>The leaving client's socket receive buffer (Linux doubles it and stops tuning it once it is set).</summary>
    private const int LeavingClientReceiveBuffer = 16 * 1024;

    [Fact]
    public async Task AClientThatLeavesMidAnswerIsCountedAndLaterAnswersAreWhole()
    {
        var expected = fixture.Expected(NameEscapingScheme.Underscores, protobuf: false);
        // While the client reads nothing more, the server can have handed at most its socket's send buffer to the
        // kernel (tcp_wmem's maximum) plus what Kestrel's output pipe and the endpoint's flush buffer hold (under
        // 1 MiB here): with more than that still to come, the answer cannot be complete when the client leaves.
        var unsendable = expected.Length - ReadBeforeLeaving - 2 * LeavingClientReceiveBuffer - MaxSocketSendBuffer() - 1024 * 1024;
        Assert.True(unsendable > 0, $"the answer ({expected.Length} bytes) is too small to prove the client leaves mid-answer");

        var before = await FederateRequestsAsync();
        Socket? socket = null;
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellation) =>
            {
                socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = LeavingClientReceiveBuffer, NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellation);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using (var client = new HttpClient(handler) { BaseAddress = fixture.App.Http.BaseAddress, DefaultRequestHeaders = { { FederationBudget.HeaderName, FederateStreamingFixture.StorageBudgetSeconds } } })
        using (var response = await client.GetAsync(Url, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.True(response.IsSuccessStatusCode, $"federate answered {(int)response.StatusCode}");
            var stream = await response.Content.ReadAsStreamAsync();
            var first = new byte[ReadBeforeLeaving];
            await stream.ReadExactlyAsync(first);
            Assert.True(expected.AsSpan(0, first.Length).SequenceEqual(first), "the start of the answer differs");
            Assert.True((await FederateRequestsAsync()).Values.Sum() == before.Values.Sum(), "the answer finished before the client left");
            // Leaves: a reset, not an orderly close, so the server's next send fails at once.
            socket!.LingerState = new LingerOption(enable: true, seconds: 0);
            socket.Close();
        }

        var after = await Poll.UntilAsync(async () => await FederateRequestsAsync() is var now && now.Values.Sum() > before.Values.Sum() ? now : null,
            TimeSpan.FromSeconds(30), "the abandoned request to be counted");
        Assert.Equal(Count(before, "499") + 1, Count(after, "499"));
        Assert.Equal(before.Values.Sum() + 1, after.Values.Sum());

        using var whole = await GetAsync(null, gzip: false);
        await AssertSameBytesAsync(expected, await whole.Content.ReadAsStreamAsync(), "an answer after the abandoned one");
    }

    private static string Url => "/federate?match[]=" + Uri.EscapeDataString(FederateStreamingFixture.Everything);

    private async Task<HttpResponseMessage> GetAsync(string? accept, bool gzip)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        if (gzip) request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        var response = await fixture.App.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.IsSuccessStatusCode, $"federate answered {(int)response.StatusCode}");
        Assert.Equal(gzip, response.Content.Headers.ContentEncoding.Contains("gzip"));
        return response;
    }

    /// <summary>Reads <paramref name="actual"/> to its end block by block, failing at the first byte that differs from <paramref name="expected"/>.</summary>
    private static async Task AssertSameBytesAsync(byte[] expected, Stream actual, string what)
    {
        var block = new byte[64 * 1024];
        var offset = 0;
        while (await actual.ReadAsync(block) is var read && read > 0)
        {
            Assert.True(offset + read <= expected.Length, $"{what} is longer than the writer's {expected.Length} bytes");
            var differs = expected.AsSpan(offset, read).CommonPrefixLength(block.AsSpan(0, read));
            Assert.True(differs == read, $"{what} differs from the writer's output at byte {offset + differs}");
            offset += read;
        }
        Assert.True(offset == expected.Length, $"{what} ends after {offset} of the writer's {expected.Length} bytes");
    }

    /// <summary>The most a TCP socket's send buffer grows to on its own (Linux' <c>net.ipv4.tcp_wmem</c>, third value).</summary>
    private static int MaxSocketSendBuffer()
    {
        const string tcpWmem = "/proc/sys/net/ipv4/tcp_wmem";
        Assert.True(File.Exists(tcpWmem), $"{tcpWmem} bounds what the server can buffer; this test runs on Linux");
        return int.Parse(File.ReadAllText(tcpWmem).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>fedfunctions_federate_requests_total by status code, from the app's /metrics.</summary>
    private async Task<Dictionary<string, double>> FederateRequestsAsync()
    {
        const string prefix = "fedfunctions_federate_requests_total{code=\"";
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in (await fixture.App.Http.GetStringAsync("/metrics")).Split('\n'))
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var code = line[prefix.Length..line.IndexOf('"', prefix.Length)];
            counts[code] = double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
        return counts;
    }

    private static double Count(Dictionary<string, double> counts, string code) => counts.GetValueOrDefault(code);
}

/// <summary>
/// FederateStreamingFixture: Azurite, one target with 70,000 series (a ~7 MB text answer: many 64 KiB chunks and
/// 128 KiB flushes, and more than a loopback socket can buffer), one series whose label value is far larger
/// than a chunk, and UTF-8 metric and label names; the app scrapes it once, and the families federation reads
/// back are kept to render what the writers make of them.
/// </summary>
public sealed class FederateStreamingFixture : IAsyncLifetime
{
    public const string Everything = "{__name__=~\".+\"}";

    /// <summary>
    /// The storage budget the tests' requests ask for (as Prometheus' scrape timeout header does): the default 5 s
    /// can run out reading this large snapshot from Azurite on a loaded machine, and a 503 is not what these tests check.
    /// </summary>
    public const string StorageBudgetSeconds = "60";

    private static readonly string HugeValue = string.Concat(Enumerable.Repeat("größe \"quoted\" back\\slash\nnew line 日本語 ", 8_000));

    private readonly ConcurrentDictionary<(NameEscapingScheme, bool), byte[]> _expected = new();
    private IReadOnlyList<MetricFamily> _families = [];

    /// <summary>The huge label value as the text format writes it.</summary>
    public static string EscapedHugeValue => HugeValue.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public AzuriteServer Azurite { get; private set; } = null!;
    public TargetServer Targets { get; private set; } = null!;
    public AppHost App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        Targets = await TargetServer.StartAsync();
        Targets.Serve("/metrics", new TargetResponse(Body()));
        App = await AppHost.StartAsync($"""
            scrape_configs:
              - job_name: big
                scrape_timeout: 10s
                static_configs:
                  - targets: ['{Targets.HostPort}']
            """, Azurite.ConnectionString);
        var (status, body) = await App.TriggerScrapeAsync();
        if (status != 200 || !body.Contains("\"targetsUp\":1", StringComparison.Ordinal)) throw new InvalidOperationException("scrape failed: " + body);
        var federation = App.Services.GetRequiredService<ConfigReloader>().Current.Federation;
        _families = await federation.QueryAsync(Core.Selectors.SelectorParser.ParseMany([Everything]), TimeSpan.FromSeconds(60));
        App.Http.DefaultRequestHeaders.Add(FederationBudget.HeaderName, StorageBudgetSeconds);
    }

    /// <summary>The writers' output for everything stored, in one piece (rendered once per format and escaping).</summary>
    public byte[] Expected(NameEscapingScheme escaping, bool protobuf) => _expected.GetOrAdd((escaping, protobuf), key =>
    {
        var externalLabels = App.Services.GetRequiredService<ConfigReloader>().Current.Federation.ExternalLabels;
        var output = new ArrayBufferWriter<byte>(8 * 1024 * 1024);
        foreach (var family in _families)
        {
            if (key.Item2) PrometheusProtobufWriter.WriteFamily(output, family, externalLabels, key.Item1);
            else PrometheusTextWriter.WriteFamily(output, family, externalLabels, key.Item1);
        }
        return output.WrittenSpan.ToArray();
    });

    private static byte[] Body()
    {
        var text = new StringBuilder();
        text.Append("# HELP huge_blob One series larger than any chunk.\n# TYPE huge_blob gauge\n");
        text.Append("huge_blob{blob=\"").Append(EscapedHugeValue).Append("\"} 1\n");
        text.Append("# TYPE \"größe.total\" counter\n");
        for (var i = 0; i < 50; i++) text.Append("{\"größe.total\",\"ключ.метки\"=\"значение \\\"в кавычках\\\"\",i=\"").Append(i).Append("\"} ").Append(i).Append('\n');
        for (var family = 0; family < Families; family++)
        {
            text.Append("# HELP load_family_").Append(family).Append(" A family of many series.\n# TYPE load_family_").Append(family).Append(" gauge\n");
            for (var i = 0; i < 5_000; i++)
            {
                text.Append("load_family_").Append(family).Append("{device=\"dev").Append(i % 97).Append("\",series=\"").Append(i)
                    .Append("\",zone=\"eu-west\"} ").Append((i * 1.5).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
            }
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Families of 5,000 series each: enough for the answer to outgrow a loopback socket's buffers.</summary>
    private const int Families = 14;

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Targets.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class FederateStreamingCollection : ICollectionFixture<FederateStreamingFixture>
{
    public const string Name = "FederateStreaming";
}
