using System.Buffers;
using System.IO.Compression;
using System.Text;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;
using FedFunctions.Functions.Configuration;
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
    private const string Everything = "{__name__=~\".+\"}";
    private const string ProtobufAccept = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";

    [Theory]
    [InlineData(null, NameEscapingScheme.Underscores, false)]
    [InlineData("text/plain;version=0.0.4;escaping=allow-utf-8", NameEscapingScheme.AllowUtf8, false)]
    [InlineData(ProtobufAccept, NameEscapingScheme.Underscores, true)]
    [InlineData(ProtobufAccept + ";escaping=allow-utf-8", NameEscapingScheme.AllowUtf8, true)]
    public async Task TheAnswerEqualsTheWritersOutputForTheSameFamilies(string? accept, NameEscapingScheme escaping, bool protobuf)
    {
        var expected = await ExpectedAsync(escaping, protobuf);
        Assert.True(expected.Length > 8 * 1024 * 1024, "the answer spans many chunks and flushes");

        var plain = await GetAsync(accept, gzip: false);
        Assert.Equal(expected.Length, plain.Length);
        Assert.True(expected.AsSpan().SequenceEqual(plain), "the streamed answer differs from the writer's own output");

        var zipped = await GetAsync(accept, gzip: true);
        Assert.True(zipped.Length < plain.Length / 4, $"gzip should shrink the answer: {zipped.Length} of {plain.Length} bytes");
        Assert.True(expected.AsSpan().SequenceEqual(Gunzip(zipped)), "the gzipped answer does not decompress to the plain one");
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
        Assert.Empty(Gunzip(body));
    }

    [Fact]
    public async Task TheHugeSeriesAndUtf8NamesComeOutWhole()
    {
        var body = Encoding.UTF8.GetString(await GetAsync("text/plain;version=0.0.4;escaping=allow-utf-8", gzip: false));
        var line = body.Split('\n').Single(l => l.StartsWith("huge_blob{", StringComparison.Ordinal));
        Assert.Contains("blob=\"" + FederateStreamingFixture.EscapedHugeValue + "\"", line, StringComparison.Ordinal);
        Assert.Contains("{\"größe.total\",", body, StringComparison.Ordinal);
        Assert.Contains("\"ключ.метки\"=\"значение \\\"в кавычках\\\"\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClientThatLeavesMidAnswerIsCountedAndLaterAnswersAreWhole()
    {
        var expected = await ExpectedAsync(NameEscapingScheme.Underscores, protobuf: false);
        var before = await Abandoned();
        using (var request = new HttpRequestMessage(HttpMethod.Get, Url))
        using (var response = await fixture.App.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            await using var stream = await response.Content.ReadAsStreamAsync();
            var first = new byte[64 * 1024];
            await stream.ReadExactlyAsync(first);
            Assert.True(expected.AsSpan(0, first.Length).SequenceEqual(first));
            // Leaving here closes the connection with most of the answer unsent.
        }
        await Poll.UntilAsync(async () => await Abandoned() > before ? "counted" : null, TimeSpan.FromSeconds(30), "the abandoned request counted as 499");

        var whole = await GetAsync(null, gzip: false);
        Assert.True(expected.AsSpan().SequenceEqual(whole), "an answer after the abandoned one differs");
    }

    private static string Url => "/federate?match[]=" + Uri.EscapeDataString(Everything);

    private async Task<byte[]> ExpectedAsync(NameEscapingScheme escaping, bool protobuf)
    {
        var federation = fixture.App.Services.GetRequiredService<ConfigReloader>().Current.Federation;
        var families = await federation.QueryAsync(Core.Selectors.SelectorParser.ParseMany([Everything]));
        var output = new ArrayBufferWriter<byte>(32 * 1024 * 1024);
        foreach (var family in families)
        {
            if (protobuf) PrometheusProtobufWriter.WriteFamily(output, family, federation.ExternalLabels, escaping);
            else PrometheusTextWriter.WriteFamily(output, family, federation.ExternalLabels, escaping);
        }
        return output.WrittenSpan.ToArray();
    }

    private async Task<byte[]> GetAsync(string? accept, bool gzip)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        if (gzip) request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        using var response = await fixture.App.Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"federate answered {(int)response.StatusCode}");
        Assert.Equal(gzip, response.Content.Headers.ContentEncoding.Contains("gzip"));
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static byte[] Gunzip(byte[] bytes)
    {
        using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private async Task<double> Abandoned()
    {
        var text = await fixture.App.Http.GetStringAsync("/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("fedfunctions_federate_requests_total{code=\"499\"}", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// FederateStreamingFixture: Azurite, one target with about 150,000 series (a ~16 MB answer), one series whose
/// label value is far larger than a chunk, and UTF-8 metric and label names; the app scrapes it once.
/// </summary>
public sealed class FederateStreamingFixture : IAsyncLifetime
{
    private static readonly string HugeValue = string.Concat(Enumerable.Repeat("größe \"quoted\" back\\slash\nnew line 日本語 ", 8_000));

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
    }

    private static byte[] Body()
    {
        var text = new StringBuilder();
        text.Append("# HELP huge_blob One series larger than any chunk.\n# TYPE huge_blob gauge\n");
        text.Append("huge_blob{blob=\"").Append(EscapedHugeValue).Append("\"} 1\n");
        text.Append("# TYPE \"größe.total\" counter\n");
        for (var i = 0; i < 50; i++) text.Append("{\"größe.total\",\"ключ.метки\"=\"значение \\\"в кавычках\\\"\",i=\"").Append(i).Append("\"} ").Append(i).Append('\n');
        for (var family = 0; family < 30; family++)
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
