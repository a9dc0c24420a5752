using System.Buffers;
using System.Text;
using FedFunctions.Core.Binary;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Tests.Writing;

/// <summary>The chunked answer buffer of /federate: order, chunk boundaries, huge lines, cancellation and a failing destination.</summary>
public class ChunkedBufferWriterTests
{
    private static readonly ExternalLabels External = ExternalLabels.Create([new Label("zone", "eu"), new Label("instance", "")]);

    [Fact]
    public async Task BytesComeOutInOrderAcrossChunksWithOneWritePerChunk()
    {
        using var writer = new ChunkedBufferWriter(chunkSize: 1024);
        var expected = new MemoryStream();
        for (var i = 0; i < 500; i++)
        {
            var line = Encoding.UTF8.GetBytes($"line {i} {new string('x', i % 37)}\n");
            // Ask for more than the line needs, as the exposition writers do (a worst case).
            var span = writer.GetSpan(line.Length * 3);
            line.CopyTo(span);
            writer.Advance(line.Length);
            expected.Write(line);
        }
        Assert.Equal(expected.Length, writer.Length);

        var destination = new RecordingStream();
        await writer.CopyToAsync(destination);
        Assert.Equal(expected.ToArray(), destination.ToArray());
        Assert.Equal(0, writer.Length);
        // Every write but the last is a whole chunk, less at most one worst-case line that did not fit.
        Assert.All(destination.Writes.SkipLast(1), size => Assert.InRange(size, 1024 - 3 * 45, 1024));
        Assert.InRange(destination.Writes.Count, (int)Math.Ceiling(expected.Length / 1024.0), (int)Math.Ceiling(expected.Length / (1024.0 - 3 * 45)));
    }

    [Fact]
    public async Task ARequestLargerThanAChunkGetsAChunkOfItsOwn()
    {
        using var writer = new ChunkedBufferWriter(chunkSize: 256);
        "head\n"u8.CopyTo(writer.GetSpan(5));
        writer.Advance(5);
        var huge = new byte[10_000];
        Random.Shared.NextBytes(huge);
        var span = writer.GetSpan(huge.Length);
        Assert.True(span.Length >= huge.Length);
        huge.CopyTo(span);
        writer.Advance(huge.Length);
        "tail\n"u8.CopyTo(writer.GetSpan(5));
        writer.Advance(5);

        var destination = new RecordingStream();
        await writer.CopyToAsync(destination);
        Assert.Equal([.. "head\n"u8, .. huge, .. "tail\n"u8], destination.ToArray());
    }

    [Fact]
    public void AdvancingPastTheSpanOrBackwardsIsRefused()
    {
        using var writer = new ChunkedBufferWriter(chunkSize: 256);
        var available = writer.GetSpan(10).Length;
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(available + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.GetSpan(-1));
        Assert.NotEqual(0, writer.GetSpan(0).Length);
        Assert.Equal(0, writer.Length);
    }

    [Fact]
    public async Task ACancelledCopyStopsAndLeavesTheWriterEmptyAndUsable()
    {
        using var writer = new ChunkedBufferWriter(chunkSize: 256);
        Fill(writer, 5_000);
        using var cancel = new CancellationTokenSource();
        var destination = new RecordingStream { AfterWrites = 2, OnLimit = cancel.Cancel };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await writer.CopyToAsync(destination, cancel.Token));
        Assert.Equal(2, destination.Writes.Count);
        Assert.Equal(0, writer.Length);

        // Usable again: the next answer starts from nothing.
        "next\n"u8.CopyTo(writer.GetSpan(5));
        writer.Advance(5);
        var next = new RecordingStream();
        await writer.CopyToAsync(next);
        Assert.Equal("next\n"u8.ToArray(), next.ToArray());
    }

    [Fact]
    public async Task ADestinationThatFailsMidCopySurfacesItsErrorAndReleasesTheChunks()
    {
        var writer = new ChunkedBufferWriter(chunkSize: 256);
        Fill(writer, 5_000);
        var destination = new RecordingStream { AfterWrites = 3, OnLimit = () => throw new IOException("client went away") };
        var error = await Assert.ThrowsAsync<IOException>(async () => await writer.CopyToAsync(destination));
        Assert.Equal("client went away", error.Message);
        Assert.Equal(0, writer.Length);
        writer.Dispose();
        writer.Dispose(); // twice is harmless
        Assert.Throws<ObjectDisposedException>(() => writer.GetSpan(1));
    }

    [Theory]
    [InlineData(NameEscapingScheme.AllowUtf8)]
    [InlineData(NameEscapingScheme.Underscores)]
    [InlineData(NameEscapingScheme.Values)]
    public async Task TextAndProtobufThroughChunksEqualTheWritersOwnOutput(NameEscapingScheme escaping)
    {
        var families = Families();
        foreach (var protobuf in new[] { false, true })
        {
            var whole = new ArrayBufferWriter<byte>();
            using var chunked = new ChunkedBufferWriter(chunkSize: 512);
            var destination = new RecordingStream();
            foreach (var family in families)
            {
                Write(whole, family);
                Write(chunked, family);
                if (chunked.Length >= 1024) await chunked.CopyToAsync(destination);
            }
            await chunked.CopyToAsync(destination);
            Assert.Equal(whole.WrittenSpan.ToArray(), destination.ToArray());
            Assert.True(destination.Writes.Count > 10, "the answer spans many chunks");

            void Write(IBufferWriter<byte> output, MetricFamily family)
            {
                if (protobuf) PrometheusProtobufWriter.WriteFamily(output, family, External, escaping);
                else PrometheusTextWriter.WriteFamily(output, family, External, escaping);
            }
        }
    }

    /// <summary>Families with UTF-8 names and values, characters that need escaping, and one series larger than any chunk.</summary>
    private static List<MetricFamily> Families()
    {
        var huge = string.Concat(Enumerable.Repeat("größe \"quoted\" back\\slash\nnew line 日本語 ", 2_000));
        var families = new List<MetricFamily>
        {
            new("a_counter", MetricType.Counter, "Help with \\ and\nnewline, ünïcödé.", "",
                [.. Enumerable.Range(0, 300).Select(i => new Sample(Labels.Of("__name__", "a_counter", "path", $"/p/{i}/é\"\\"), i, 1_700_000_000_000 + i))]),
            new("b_huge", MetricType.Gauge, "", "", [new Sample(Labels.Of("__name__", "b_huge", "blob", huge), 1.5, null)]),
            new("c.dotted.name", MetricType.Gauge, "dotted", "",
                [.. Enumerable.Range(0, 200).Select(i => new Sample(Labels.Of("__name__", "c.dotted.name", "label.with.dots", $"v{i}", "ключ", "значение"), -i, null))]),
        };
        return families;
    }

    private static void Fill(ChunkedBufferWriter writer, int bytes)
    {
        for (var i = 0; i < bytes; i += 50)
        {
            writer.GetSpan(50).Fill((byte)'a');
            writer.Advance(50);
        }
    }

    /// <summary>A MemoryStream that records the size of each write and can act after a number of writes.</summary>
    private sealed class RecordingStream : MemoryStream
    {
        public List<int> Writes { get; } = [];
        public int AfterWrites { get; init; } = int.MaxValue;
        public Action? OnLimit { get; init; }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Writes.Count == AfterWrites) OnLimit?.Invoke();
            cancellationToken.ThrowIfCancellationRequested();
            Writes.Add(buffer.Length);
            await base.WriteAsync(buffer, cancellationToken);
        }
    }
}
