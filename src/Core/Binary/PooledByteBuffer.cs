using System.Buffers;
using System.Buffers.Binary;

namespace FedFunctions.Core.Binary;

/// <summary>
/// PooledByteBuffer is a growable byte buffer on <see cref="ArrayPool{T}"/> arrays with the primitive writes of the
/// binary formats (varints, zigzag, little-endian doubles); the snapshot codec and the protobuf writer both build on it.
/// </summary>
internal sealed class PooledByteBuffer : IDisposable
{
    private byte[] _buffer;

    public PooledByteBuffer(int initialCapacity) => _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));

    /// <summary>The bytes written so far.</summary>
    public int Length { get; private set; }

    /// <summary>The size of the array behind the buffer.</summary>
    public int Capacity => _buffer.Length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    /// <summary>The written bytes, writable, for formats that fill in a length after the content.</summary>
    public Span<byte> Written => _buffer.AsSpan(0, Length);

    /// <summary>At least <paramref name="size"/> free bytes after the written ones; call <see cref="Advance"/> after filling them.</summary>
    public Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - Length < size) Grow(size);
        return _buffer.AsSpan(Length);
    }

    public void Advance(int count) => Length += count;

    /// <summary>Forgets everything written after <paramref name="length"/>.</summary>
    public void Truncate(int length) => Length = length;

    /// <summary>Empties the buffer; an array larger than <paramref name="keepAtMost"/> goes back to the pool for one of <paramref name="initialCapacity"/>.</summary>
    public void Clear(int keepAtMost, int initialCapacity)
    {
        Length = 0;
        if (_buffer.Length <= keepAtMost) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    public void WriteByte(byte value)
    {
        GetSpan(1)[0] = value;
        Length++;
    }

    public void WriteVarint(ulong value) => Length += Varint.Write(GetSpan(Varint.MaxLength), value);

    public void WriteZigZag(long value) => WriteVarint(Varint.ZigZag(value));

    public void WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(GetSpan(8), value);
        Length += 8;
    }

    private void Grow(int size)
    {
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + size));
        _buffer.AsSpan(0, Length).CopyTo(next);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = next;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        Length = 0;
    }
}
