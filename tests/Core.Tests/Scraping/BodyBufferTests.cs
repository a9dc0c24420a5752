using FedFunctions.Core.Scraping;

namespace FedFunctions.Core.Tests.Scraping;

/// <summary>BodyBuffer hands the parser exactly the bytes read, whether they stayed in memory or went to the temporary file.</summary>
public sealed class BodyBufferTests : IDisposable
{
    private readonly DirectoryInfo _spill = Directory.CreateTempSubdirectory("fed-functions-bodybuffer-");

    public void Dispose() => _spill.Delete(recursive: true);

    private const int Chunk = BodyBuffer.ChunkBytes;

    public static TheoryData<int, int> Sizes => new()
    {
        { 0, 4 * 1024 * 1024 },
        { 1000, 4 * 1024 * 1024 },
        { Chunk, 4 * 1024 * 1024 },
        { Chunk + 1, 4 * 1024 * 1024 },
        { 3 * Chunk - 7, 4 * 1024 * 1024 },
        { 10 * 1024 * 1024 + 3, 4 * 1024 * 1024 }, // memory head, file, partial tail
        { 5 * Chunk, 0 },                          // everything past the first chunk in the file
        { 2 * Chunk + 5, Chunk },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task TheWholeBodyComesBackInOrder(int size, int inMemory)
    {
        var body = new byte[size];
        new Random(size).NextBytes(body);
        // Small, uneven reads, as a network stream delivers them.
        await using var stream = new TrickleStream(body, 10_007);

        await using var buffer = await BodyBuffer.ReadAsync(stream, limit: size, inMemory, CancellationToken.None, _spill.FullName);
        var whole = await buffer.ToContiguousAsync(CancellationToken.None);

        Assert.Equal(size, buffer.Length);
        Assert.Equal(size > Math.Max(inMemory, Chunk), buffer.SpilledToDisk);
        Assert.True(whole.Span.SequenceEqual(body));
        await buffer.DisposeAsync();
        Assert.Empty(_spill.GetFiles());
    }

    [Fact]
    public async Task OneByteOverTheLimitFailsAndLeavesNoFile()
    {
        await using var stream = new TrickleStream(new byte[3 * Chunk + 1], 65_536);

        var ex = await Assert.ThrowsAsync<ScrapeFailedException>(() => BodyBuffer.ReadAsync(stream, limit: 3 * Chunk, 0, CancellationToken.None, _spill.FullName));

        Assert.Equal($"body size limit exceeded (limit: {3 * Chunk} bytes)", ex.Message);
        Assert.Empty(_spill.GetFiles());
    }

    private sealed class TrickleStream(byte[] data, int step) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, step)], cancellationToken);
    }
}
