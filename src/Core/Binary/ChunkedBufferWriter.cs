using System.Buffers;

namespace FedFunctions.Core.Binary;

/// <summary>
/// ChunkedBufferWriter collects bytes in pooled chunks of a fixed size and copies them to a stream in
/// whole chunks. The exposition writers ask for a span per line; handing each of those to an HTTP
/// response (or a compressor) directly costs a call into the server per line, and a line that does not
/// fit the server's small segment wastes the segment's rest. Here a line that does not fit the current
/// chunk starts the next one, and the response sees one write per chunk.
/// </summary>
public sealed class ChunkedBufferWriter : IBufferWriter<byte>, IDisposable
{
    /// <summary>The chunk size used when none is given: 64 KiB, one write to the response each.</summary>
    public const int DefaultChunkSize = 64 * 1024;

    private readonly int _chunkSize;
    private readonly List<byte[]> _full = [];
    private readonly List<int> _fullLengths = [];
    private byte[] _current;
    private int _currentLength;
    private long _fullBytes;

    /// <summary>Creates a writer whose chunks hold <paramref name="chunkSize"/> bytes (a larger request gets a chunk of its own size).</summary>
    public ChunkedBufferWriter(int chunkSize = DefaultChunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 256);
        _chunkSize = chunkSize;
        _current = ArrayPool<byte>.Shared.Rent(chunkSize);
    }

    /// <summary>The bytes written and not yet copied out.</summary>
    public long Length => _fullBytes + _currentLength;

    /// <inheritdoc/>
    public void Advance(int count)
    {
        ObjectDisposedException.ThrowIf(_current.Length == 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _current.Length - _currentLength);
        _currentLength += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _current.AsMemory(_currentLength);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _current.AsSpan(_currentLength);
    }

    /// <summary>
    /// Writes everything collected to <paramref name="destination"/>, one write per chunk, in order, and
    /// empties the writer. When cancelled, what was not written yet is dropped.
    /// </summary>
    public async ValueTask CopyToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ObjectDisposedException.ThrowIf(_current.Length == 0, this);
        try
        {
            for (var i = 0; i < _full.Count; i++)
            {
                await destination.WriteAsync(_full[i].AsMemory(0, _fullLengths[i]), cancellationToken).ConfigureAwait(false);
            }
            if (_currentLength > 0) await destination.WriteAsync(_current.AsMemory(0, _currentLength), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ReturnFullChunks();
            _currentLength = 0;
        }
    }

    /// <summary>Returns every chunk to the pool; the writer cannot be used afterwards.</summary>
    public void Dispose()
    {
        if (_current.Length == 0) return;
        ReturnFullChunks();
        ArrayPool<byte>.Shared.Return(_current);
        _current = [];
        _currentLength = 0;
    }

    private void Reserve(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_current.Length == 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        var needed = Math.Max(sizeHint, 1);
        if (_current.Length - _currentLength >= needed) return;
        // The current chunk is done (its rest stays unused and is never written out); start the next.
        if (_currentLength > 0)
        {
            _full.Add(_current);
            _fullLengths.Add(_currentLength);
            _fullBytes += _currentLength;
        }
        else
        {
            ArrayPool<byte>.Shared.Return(_current);
        }
        _current = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _chunkSize));
        _currentLength = 0;
    }

    private void ReturnFullChunks()
    {
        foreach (var chunk in _full) ArrayPool<byte>.Shared.Return(chunk);
        _full.Clear();
        _fullLengths.Clear();
        _fullBytes = 0;
    }
}
