using System.Runtime.CompilerServices;

namespace FedFunctions.Core.Binary;

/// <summary>
/// Varint is the one implementation of the protobuf base-128 varint (seven bits a byte, least significant first,
/// high bit set on every byte but the last) and of zigzag, used by the snapshot codec and the protobuf writer.
/// </summary>
internal static class Varint
{
    /// <summary>The most bytes a 64-bit varint takes.</summary>
    public const int MaxLength = 10;

    /// <summary>Writes <paramref name="value"/> at the start of <paramref name="span"/> (at least <see cref="MaxLength"/> bytes, or <see cref="Size"/>) and returns the bytes written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> span, ulong value)
    {
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        return n;
    }

    /// <summary>How many bytes <see cref="Write"/> takes for <paramref name="value"/>.</summary>
    public static int Size(ulong value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }
        return n;
    }

    /// <summary>Maps a signed value to an unsigned one so that small magnitudes stay short (0, -1, 1, -2 ... become 0, 1, 2, 3 ...).</summary>
    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    /// <summary>The inverse of <see cref="ZigZag"/>.</summary>
    public static long UnZigZag(ulong raw) => (long)(raw >> 1) ^ -(long)(raw & 1);

    /// <summary>
    /// Reads a varint at <paramref name="position"/> and moves past it. Returns <see cref="ReadResult.Truncated"/>
    /// when the data ends inside it and <see cref="ReadResult.Overflow"/> when it does not fit 64 bits.
    /// </summary>
    public static ReadResult TryRead(ReadOnlySpan<byte> data, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length) return ReadResult.Truncated;
            var b = data[position++];
            if (shift == 63 && b > 1) return ReadResult.Overflow;
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return ReadResult.Ok;
        }
        return ReadResult.Overflow;
    }

    public enum ReadResult
    {
        Ok,
        Truncated,
        Overflow,
    }
}
