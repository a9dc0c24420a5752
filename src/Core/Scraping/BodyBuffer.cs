using System.Buffers;

namespace FedFunctions.Core.Scraping;

/// <summary>
/// BodyBuffer holds one scrape body while it is read, with bounded memory: the first bytes in fixed-size
/// chunks from a small private pool, everything past <c>inMemoryBytes</c> in a temporary file deleted on
/// close. So a target answering far more than its limit costs at most <c>inMemoryBytes</c> of memory before
/// it is refused, however many such targets are read at once, and no buffer larger than one chunk is kept
/// between scrapes. A body that is complete and within its limit is handed to the parser as one contiguous
/// span (the parser needs one), allocated for that body only.
/// </summary>
internal sealed class BodyBuffer : IAsyncDisposable
{
    /// <summary>ChunkBytes is the size of every pooled chunk: the largest buffer the pool ever keeps.</summary>
    internal const int ChunkBytes = 256 * 1024;

    // At most 64 idle chunks (16 MiB) are kept for the next scrapes; more are left to the GC.
    private static readonly ArrayPool<byte> Chunks = ArrayPool<byte>.Create(ChunkBytes, 64);

    private readonly List<byte[]> _head = [];
    private readonly int _maxHeadChunks;
    private readonly string _spillDirectory;
    private FileStream? _spill;
    private byte[] _tail;
    private int _tailUsed;

    private BodyBuffer(int inMemoryBytes, string spillDirectory)
    {
        _spillDirectory = spillDirectory;
        _maxHeadChunks = Math.Max(0, inMemoryBytes / ChunkBytes - 1);
        _tail = Chunks.Rent(ChunkBytes);
    }

    /// <summary>Length is the number of body bytes read.</summary>
    public long Length { get; private set; }

    /// <summary>SpilledToDisk tells whether part of the body went to the temporary file.</summary>
    public bool SpilledToDisk => _spill is not null;

    /// <summary>
    /// ReadAsync reads <paramref name="body"/> to its end, failing as soon as more than <paramref name="limit"/>
    /// bytes arrived; memory use stays under about <paramref name="inMemoryBytes"/> plus one chunk.
    /// </summary>
    /// <param name="body">The response body stream.</param>
    /// <param name="limit">The most bytes the body may have.</param>
    /// <param name="inMemoryBytes">How much of the body to hold in memory before spilling to the file.</param>
    /// <param name="token">Cancels the read.</param>
    /// <param name="spillDirectory">Where the temporary file goes (null: the system's temporary folder).</param>
    /// <exception cref="ScrapeFailedException">The body is larger than <paramref name="limit"/>.</exception>
    public static async Task<BodyBuffer> ReadAsync(Stream body, long limit, int inMemoryBytes, CancellationToken token, string? spillDirectory = null)
    {
        var buffer = new BodyBuffer(inMemoryBytes, spillDirectory ?? Path.GetTempPath());
        try
        {
            while (true)
            {
                if (buffer._tailUsed == buffer._tail.Length) await buffer.SealTailAsync(token).ConfigureAwait(false);
                var read = await body.ReadAsync(buffer._tail.AsMemory(buffer._tailUsed), token).ConfigureAwait(false);
                if (read == 0) return buffer;
                buffer._tailUsed += read;
                buffer.Length += read;
                if (buffer.Length > limit) throw BodyTooLarge(limit);
            }
        }
        catch
        {
            await buffer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>BodyTooLarge is the failure of a body over <paramref name="limit"/> bytes, in Prometheus' words.</summary>
    public static ScrapeFailedException BodyTooLarge(long limit) => new($"body size limit exceeded (limit: {limit} bytes)");

    // A full tail chunk joins the in-memory head, or goes to the file once the head has its share.
    private async Task SealTailAsync(CancellationToken token)
    {
        if (_spill is null && _head.Count < _maxHeadChunks)
        {
            _head.Add(_tail);
            _tail = Chunks.Rent(ChunkBytes);
        }
        else
        {
            _spill ??= new FileStream(Path.Combine(_spillDirectory, $"fed-functions-body-{Guid.NewGuid():N}.tmp"),
                FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await _spill.WriteAsync(_tail.AsMemory(0, _tailUsed), token).ConfigureAwait(false);
        }
        _tailUsed = 0;
    }

    /// <summary>
    /// ToContiguousAsync returns the whole body as one span: the tail chunk itself when the body fits in it,
    /// otherwise a new array of exactly <see cref="Length"/> bytes (released with the document, never pooled).
    /// </summary>
    public async Task<ReadOnlyMemory<byte>> ToContiguousAsync(CancellationToken token)
    {
        if (_head.Count == 0 && _spill is null) return _tail.AsMemory(0, _tailUsed);
        var whole = GC.AllocateUninitializedArray<byte>(checked((int)Length));
        var at = 0;
        foreach (var chunk in _head)
        {
            chunk.CopyTo(whole, at);
            at += chunk.Length;
        }
        if (_spill is not null)
        {
            _spill.Position = 0;
            var spilled = (int)_spill.Length;
            await _spill.ReadExactlyAsync(whole.AsMemory(at, spilled), token).ConfigureAwait(false);
            at += spilled;
        }
        _tail.AsSpan(0, _tailUsed).CopyTo(whole.AsSpan(at));
        return whole;
    }

    /// <summary>DisposeAsync returns the chunks to the pool and deletes the temporary file.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var chunk in _head) Chunks.Return(chunk);
        _head.Clear();
        if (_tail.Length > 0) Chunks.Return(_tail);
        _tail = [];
        if (_spill is not null) await _spill.DisposeAsync().ConfigureAwait(false);
        _spill = null;
    }
}
