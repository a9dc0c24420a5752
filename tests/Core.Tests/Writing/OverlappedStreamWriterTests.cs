using System.IO.Compression;
using System.Text;
using FedFunctions.Core.Binary;

namespace FedFunctions.Core.Tests.Writing;

/// <summary>
/// The /federate answer buffer that compresses beside rendering: bytes in order through a real gzip stream, a flush
/// that returns while its write still runs (and one that does not when not overlapping), and a failing destination.
/// </summary>
public class OverlappedStreamWriterTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ThroughGzipTheBytesComeOutWholeAndInOrder(bool overlap)
    {
        var expected = new MemoryStream();
        var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            await using var writer = new OverlappedStreamWriter(gzip, overlap);
            for (var i = 0; i < 20_000; i++)
            {
                var line = Encoding.UTF8.GetBytes($"series_{i % 97}{{instance=\"10.0.{i % 250}.{i % 13}:9100\"}} {i}\n");
                line.CopyTo(writer.GetSpan(line.Length));
                writer.Advance(line.Length);
                expected.Write(line);
                if (writer.Length >= 4096) await writer.FlushAsync();
            }
            await writer.CompleteAsync();
            Assert.Equal(expected.Length, writer.BytesHandedOff);
        }

        compressed.Position = 0;
        var decompressed = new MemoryStream();
        await using (var gunzip = new GZipStream(compressed, CompressionMode.Decompress)) await gunzip.CopyToAsync(decompressed);
        Assert.Equal(expected.ToArray(), decompressed.ToArray());
    }

    [Fact]
    public async Task OverlappingAFlushReturnsWhileItsWriteRunsAndTheNextFlushWaitsForIt()
    {
        var destination = new GatedStream();
        await using var writer = new OverlappedStreamWriter(destination, overlap: true);
        Write(writer, "first\n");
        await writer.FlushAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)); // returns although the write is held
        await destination.Entered.WaitAsync(TimeSpan.FromSeconds(30));

        Write(writer, "second\n");                    // filled beside the held write
        var next = writer.FlushAsync().AsTask();
        await Task.Delay(50);
        Assert.False(next.IsCompleted);               // one write at a time: waits for the first
        destination.Release();
        await next.WaitAsync(TimeSpan.FromSeconds(30));
        await writer.CompleteAsync();
        Assert.Equal("first\nsecond\n", Encoding.UTF8.GetString(destination.ToArray()));
    }

    [Fact]
    public async Task NotOverlappingAFlushReturnsOnlyAfterItsWrite()
    {
        var destination = new GatedStream();
        await using var writer = new OverlappedStreamWriter(destination, overlap: false);
        Write(writer, "only\n");
        var flush = writer.FlushAsync().AsTask();
        await destination.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(50);
        Assert.False(flush.IsCompleted);
        destination.Release();
        await flush.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("only\n", Encoding.UTF8.GetString(destination.ToArray()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AFailedWriteIsReportedByTheNextFlushOrTheCompletionAndDisposingDoesNotThrow(bool overlap)
    {
        var writer = new OverlappedStreamWriter(new FailingStream(), overlap);
        Write(writer, "lost\n");
        try
        {
            await writer.FlushAsync(); // overlapping: starts the write that fails
            Write(writer, "never written\n");
            await writer.CompleteAsync();
            Assert.Fail("the failed write was not reported");
        }
        catch (IOException ex)
        {
            Assert.Equal("connection reset", ex.Message);
        }
        await writer.DisposeAsync();
    }

    private static void Write(OverlappedStreamWriter writer, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        bytes.CopyTo(writer.GetSpan(bytes.Length));
        writer.Advance(bytes.Length);
    }

    /// <summary>A memory stream whose first write waits until released.</summary>
    private sealed class GatedStream : MemoryStream
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public void Release() => _released.TrySetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _entered.TrySetResult();
            await _released.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            await base.WriteAsync(buffer, cancellationToken);
        }
    }

    /// <summary>A stream whose every write fails as a reset connection does.</summary>
    private sealed class FailingStream : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("connection reset"));
    }
}
