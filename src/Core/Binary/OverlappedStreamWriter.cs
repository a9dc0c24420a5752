using System.Buffers;

namespace FedFunctions.Core.Binary;

/// <summary>
/// OverlappedStreamWriter collects bytes like <see cref="ChunkedBufferWriter"/> and, on each
/// <see cref="FlushAsync"/>, hands what it collected to a thread-pool thread that writes it to the stream
/// while the caller fills a second buffer. Meant for a stream that costs CPU per byte (a compressor): rendering
/// and compressing a large answer then run on two cores instead of taking turns on one. At most one write runs
/// at a time, in order, so the stream needs no locking; memory stays at two buffers' worth.
/// </summary>
/// <remarks>
/// A write that fails (the client left) is reported by the next <see cref="FlushAsync"/> or by
/// <see cref="CompleteAsync"/>. Dispose only after the last write ended: <see cref="DisposeAsync"/> waits for it.
/// </remarks>
public sealed class OverlappedStreamWriter : IBufferWriter<byte>, IAsyncDisposable
{
    private readonly Stream _destination;
    private readonly bool _overlap;
    private readonly CancellationToken _cancellationToken;
    private ChunkedBufferWriter _filling = new();
    private ChunkedBufferWriter _writing = new();
    private Task _write = Task.CompletedTask;
    private long _handedOff;

    /// <summary>Creates a writer over <paramref name="destination"/>.</summary>
    /// <param name="destination">Where the bytes go.</param>
    /// <param name="overlap">Whether writes run beside the caller (false: each flush writes before it returns, as
    /// on a single core, where overlapping only adds hand-offs).</param>
    /// <param name="cancellationToken">Cancels the writes (the client left).</param>
    public OverlappedStreamWriter(Stream destination, bool overlap, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _destination = destination;
        _overlap = overlap;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The bytes collected since the last flush.</summary>
    public long Length => _filling.Length;

    /// <summary>All bytes handed to the stream so far (written or being written).</summary>
    public long BytesHandedOff => _handedOff;

    /// <inheritdoc/>
    public void Advance(int count) => _filling.Advance(count);

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0) => _filling.GetMemory(sizeHint);

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0) => _filling.GetSpan(sizeHint);

    /// <summary>
    /// Hands the collected bytes to the stream: waits for the previous write to end, then starts writing these
    /// (beside the caller when overlapping, else before returning).
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled during a write.</exception>
    /// <exception cref="IOException">A write to the stream failed.</exception>
    public async ValueTask FlushAsync()
    {
        await _write.ConfigureAwait(false);
        if (_filling.Length == 0) return;
        (_filling, _writing) = (_writing, _filling);
        _handedOff += _writing.Length;
        var full = _writing;
        _write = _overlap
            ? Task.Run(() => full.CopyToAsync(_destination, _cancellationToken).AsTask())
            : full.CopyToAsync(_destination, _cancellationToken).AsTask();
        if (!_overlap) await _write.ConfigureAwait(false);
    }

    /// <summary>Writes what is left and waits until every write has ended.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled during a write.</exception>
    /// <exception cref="IOException">A write to the stream failed.</exception>
    public async ValueTask CompleteAsync()
    {
        await FlushAsync().ConfigureAwait(false);
        await _write.ConfigureAwait(false);
    }

    /// <summary>Waits for a running write to end (its failure already reported or not wanted), then returns the buffers to the pool.</summary>
    public async ValueTask DisposeAsync()
    {
        await _write.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _filling.Dispose();
        _writing.Dispose();
    }
}
