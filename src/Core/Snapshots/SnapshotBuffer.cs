using System.Buffers;
using System.Buffers.Binary;

namespace FedFunctions.Core.Snapshots;

/// <summary>SnapshotBuffer is a growable byte buffer on pooled arrays with the primitive writes of the body format.</summary>
internal sealed class SnapshotBuffer : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public SnapshotBuffer(int initialCapacity) => _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - _length < size) Grow(size);
        return _buffer.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    public void WriteByte(byte value)
    {
        GetSpan(1)[0] = value;
        _length++;
    }

    public void WriteVarint(ulong value)
    {
        var span = GetSpan(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        _length += n;
    }

    public void WriteZigZag(long value) => WriteVarint((ulong)((value << 1) ^ (value >> 63)));

    public void WriteDouble(double value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(GetSpan(8), BitConverter.DoubleToUInt64Bits(value));
        _length += 8;
    }

    private void Grow(int size)
    {
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + size));
        _buffer.AsSpan(0, _length).CopyTo(next);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = next;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _length = 0;
    }
}
