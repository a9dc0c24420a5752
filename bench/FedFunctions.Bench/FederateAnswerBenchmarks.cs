// Run: dotnet run -c Release --project bench/FedFunctions.Bench -- --filter '*FederateAnswerBenchmarks*' --job short
using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using FedFunctions.Core.Binary;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Federation;
using FedFunctions.Core.Model;
using FedFunctions.Core.Selectors;

namespace FedFunctions.Bench;

/// <summary>
/// The /federate answer on its way out, over 200 node_exporter snapshots (about 100k series): rendering into
/// a stream through a small-segment pipe (as the endpoint did) or through large pooled chunks (as it does
/// now), gzip at each zlib level, whose answer sizes the setup prints, and rendering with gzip in turns or
/// side by side (as the endpoint does on more than one core).
/// </summary>
[MemoryDiagnoser]
public class FederateAnswerBenchmarks
{
    private IReadOnlyList<MetricFamily> _families = [];
    private byte[] _text = [];
    private readonly ExternalLabels _external = ExternalLabels.Create([new Label("instance", "")]);

    [Params(1, 2, 3, 4, 5, 6, 7, 9)]
    public int Level { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // As in bench/e2e-load.sh: loopback instances on varied ports, each target scraped at its own millisecond.
        var snapshots = Corpus.Snapshots().Select((snapshot, t) =>
        {
            var instance = $"127.0.0.1:{33000 + (t * 7919 % 9000)}";
            var ts = snapshot.ScrapeTimestampMs + (t * 37 % 1000);
            return new IndexedSnapshot(new TargetSnapshot
            {
                TargetLabels = snapshot.TargetLabels.ToBuilder().Set("instance", instance).Build(),
                Up = true,
                Metadata = snapshot.Metadata,
                ScrapeTimestampMs = ts,
                Samples = [.. snapshot.Samples.Select(x => x with { Labels = x.Labels.ToBuilder().Set("instance", instance).Build(), TimestampMs = ts })],
            });
        }).ToArray();
        var now = snapshots.Max(s => s.Snapshot.ScrapeTimestampMs) + 1000;
        _families = FederationQuery.Select(snapshots, SelectorParser.ParseMany(["{__name__=~\".+\"}"]), now, FederationQuery.DefaultLookback);
        var output = new ArrayBufferWriter<byte>(16 * 1024 * 1024);
        PrometheusTextWriter.WriteFamilies(output, _families, _external);
        _text = output.WrittenSpan.ToArray();
        output.ResetWrittenCount();
        foreach (var family in _families) PrometheusProtobufWriter.WriteFamily(output, family, _external);
        var protobuf = output.WrittenSpan.ToArray();
        Console.WriteLine($"// answer: text {_text.Length:N0} B, protobuf {protobuf.Length:N0} B; gzip level {Level}: text {Compressed(_text, Level, ZLibCompressionStrategy.Default):N0} B " +
                          $"(filtered {Compressed(_text, Level, ZLibCompressionStrategy.Filtered):N0}), protobuf {Compressed(protobuf, Level, ZLibCompressionStrategy.Default):N0} B; " +
                          $"text with CompressionLevel.Optimal {CompressedWith(CompressionLevel.Optimal):N0}, Fastest {CompressedWith(CompressionLevel.Fastest):N0}, SmallestSize {CompressedWith(CompressionLevel.SmallestSize):N0}");
    }

    [Benchmark(Description = "gzip the 100k-series text answer at zlib level")]
    public long Gzip() => Compressed(_text, Level, ZLibCompressionStrategy.Default);

    [Benchmark(Description = "render text into a 4 KiB-segment pipe over a stream (before)")]
    public async Task<long> RenderThroughPipe()
    {
        if (Level != 1) return 0; // independent of the level: measured once
        var counter = new CountingStream();
        var writer = PipeWriter.Create(counter, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true));
        foreach (var family in _families)
        {
            PrometheusTextWriter.WriteFamily(writer, family, _external);
            if (writer.UnflushedBytes >= 64 * 1024) await writer.FlushAsync();
        }
        await writer.CompleteAsync();
        return counter.Length;
    }

    [Benchmark(Description = "render text into 64 KiB pooled chunks, then the stream (after)")]
    public async Task<long> RenderThroughChunks()
    {
        if (Level != 1) return 0;
        var counter = new CountingStream();
        using var buffer = new ChunkedBufferWriter();
        foreach (var family in _families)
        {
            PrometheusTextWriter.WriteFamily(buffer, family, _external);
            if (buffer.Length >= 128 * 1024) await buffer.CopyToAsync(counter);
        }
        await buffer.CopyToAsync(counter);
        return counter.Length;
    }

    [Benchmark(Description = "render text and gzip it (level 7, filtered), taking turns on one thread")]
    public Task<long> RenderAndGzipInTurns() => RenderAndGzipAsync(overlap: false);

    [Benchmark(Description = "render text and gzip it (level 7, filtered), the compressor beside the renderer (the endpoint)")]
    public Task<long> RenderAndGzipOverlapped() => RenderAndGzipAsync(overlap: true);

    private async Task<long> RenderAndGzipAsync(bool overlap)
    {
        if (Level != 7) return 0; // the endpoint's level (FederateEndpoint.GzipOptions): measured once
        var counter = new CountingStream();
        await using (var gzip = new GZipStream(counter, new ZLibCompressionOptions { CompressionLevel = 7, CompressionStrategy = ZLibCompressionStrategy.Filtered }, leaveOpen: true))
        {
            await using var writer = new OverlappedStreamWriter(gzip, overlap);
            foreach (var family in _families)
            {
                PrometheusTextWriter.WriteFamily(writer, family, _external);
                if (writer.Length >= 128 * 1024) await writer.FlushAsync();
            }
            await writer.CompleteAsync();
        }
        return counter.Length;
    }

    private static long Compressed(byte[] bytes, int level, ZLibCompressionStrategy strategy)
    {
        var counter = new CountingStream();
        using (var gzip = new GZipStream(counter, new ZLibCompressionOptions { CompressionLevel = level, CompressionStrategy = strategy }, leaveOpen: true))
        {
            gzip.Write(bytes);
        }
        return counter.Length;
    }

    private long CompressedWith(CompressionLevel level)
    {
        var counter = new CountingStream();
        using (var gzip = new GZipStream(counter, level, leaveOpen: true)) gzip.Write(_text);
        return counter.Length;
    }

    /// <summary>A write-only stream that only counts.</summary>
    private sealed class CountingStream : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Position;
        public override long Position { get; set; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Position += count;
        public override void Write(ReadOnlySpan<byte> buffer) => Position += buffer.Length;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Position += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
