using System.IO.Compression;
using System.Net;
using System.Text;

namespace FedFunctions.Functions.Tests;

/// <summary>/federate answers delimited protobuf when the Accept header asks for it first, text otherwise.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class FederateProtobufTests(EndToEndFixture fixture)
{
    /// <summary>The Accept header of Prometheus 2.42 started with <c>--enable-feature=native-histograms</c>.</summary>
    public const string NativeHistogramsAccept =
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    private const string ProtobufType = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; escaping=underscores";
    private const string TextType = "text/plain; version=0.0.4; charset=utf-8; escaping=underscores";
    private const string PrometheusSelector = "{job=\"prometheus\"}";

    public static TheoryData<string?, string> AcceptHeaders => new()
    {
        { NativeHistogramsAccept, ProtobufType },
        { "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", TextType },
        { "application/openmetrics-text", TextType },
        { null, TextType },
    };

    [Theory]
    [MemberData(nameof(AcceptHeaders))]
    public async Task TheContentTypeFollowsTheAcceptHeader(string? accept, string expected)
    {
        using var response = await FederateAsync(accept, gzip: false, PrometheusSelector);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Content.Headers.ContentType!.ToString());
        Assert.Contains("Accept", response.Headers.Vary);
    }

    [Fact]
    public async Task TheProtobufAnswerHasOneMessagePerTextFamilyInTheSameOrder()
    {
        using var response = await FederateAsync(NativeHistogramsAccept, gzip: false, PrometheusSelector);
        var names = FamilyNames(await response.Content.ReadAsByteArrayAsync());
        var text = await fixture.App.FederateTextAsync(PrometheusSelector);
        var textNames = text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToList();
        Assert.True(textNames.Count > 100, $"only {textNames.Count} families");
        Assert.Equal(textNames, names);
    }

    [Fact]
    public async Task TheProtobufAnswerIsGzippedWhenAsked()
    {
        using var plain = await FederateAsync(NativeHistogramsAccept, gzip: false, PrometheusSelector);
        using var zipped = await FederateAsync(NativeHistogramsAccept, gzip: true, PrometheusSelector);
        Assert.Equal("gzip", zipped.Content.Headers.ContentEncoding.Single());
        Assert.Equal(ProtobufType, zipped.Content.Headers.ContentType!.ToString());
        await using var gzip = new GZipStream(await zipped.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        await gzip.CopyToAsync(bytes);
        Assert.Equal(FamilyNames(await plain.Content.ReadAsByteArrayAsync()), FamilyNames(bytes.ToArray()));
    }

    [Fact]
    public async Task ABadSelectorStillAnswersATextError()
    {
        using var response = await FederateAsync(NativeHistogramsAccept, gzip: false, "{job=");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
    }

    private async Task<HttpResponseMessage> FederateAsync(string? accept, bool gzip, string selector)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/federate?match[]=" + Uri.EscapeDataString(selector));
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        if (gzip) request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        return await fixture.App.Http.SendAsync(request);
    }

    /// <summary>Walks the delimited messages and returns each MetricFamily's name (field 1), checking the framing.</summary>
    private static List<string> FamilyNames(byte[] body)
    {
        var names = new List<string>();
        var position = 0;
        while (position < body.Length)
        {
            var length = (int)Varint(body, ref position);
            var end = position + length;
            Assert.True(end <= body.Length, "a message runs past the end of the body");
            Assert.Equal(0x0A, body[position]); // the name comes first
            position++;
            var nameLength = (int)Varint(body, ref position);
            names.Add(Encoding.UTF8.GetString(body, position, nameLength));
            position = end;
        }
        return names;
    }

    private static ulong Varint(byte[] bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }
}
