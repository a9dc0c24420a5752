using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace FedFunctions.Core.Exposition;

public static partial class PrometheusProtobufWriter
{
    /// <summary>
    /// ProtoBuffer collects one MetricFamily message, whose length must precede it. Nested messages
    /// reserve one length byte and are moved up in place in the rare case they reach 128 bytes, so
    /// nothing is measured twice and no per-sample strings are made.
    /// </summary>
    private sealed class ProtoBuffer
    {
        private const int InitialSize = 16 * 1024;
        private const int KeepAtMost = 1024 * 1024;

        [ThreadStatic]
        private static ProtoBuffer? t_cached;

        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);

        /// <summary>The bytes written so far.</summary>
        public int Length { get; private set; }

        /// <summary>How the names written into this message are escaped (set for each family).</summary>
        public Model.NameEscapingScheme Escaping { get; private set; }

        public static ProtoBuffer Rent(Model.NameEscapingScheme escaping)
        {
            var buffer = t_cached ?? new ProtoBuffer();
            t_cached = null;
            buffer.Length = 0;
            buffer.Escaping = escaping;
            return buffer;
        }

        public static void Return(ProtoBuffer buffer)
        {
            // A huge family should not pin a huge array to the thread for good.
            if (buffer._buffer.Length > KeepAtMost)
            {
                ArrayPool<byte>.Shared.Return(buffer._buffer);
                buffer._buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
            }
            t_cached = buffer;
        }

        public void Truncate(int length) => Length = length;

        private Span<byte> Reserve(int count)
        {
            if (_buffer.Length - Length < count) Grow(count);
            return _buffer.AsSpan(Length);
        }

        private void Grow(int count)
        {
            var size = Math.Max(_buffer.Length * 2, Length + count);
            var bigger = ArrayPool<byte>.Shared.Rent(size);
            _buffer.AsSpan(0, Length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        public void Byte(byte value)
        {
            Reserve(1)[0] = value;
            Length++;
        }

        public void Varint(ulong value)
        {
            var span = Reserve(10);
            Length += WriteVarint(value, span);
        }

        /// <summary>A double field (wire type 1): the tag, then 8 bytes little-endian.</summary>
        public void Double(byte tag, double value)
        {
            var span = Reserve(9);
            span[0] = tag;
            BinaryPrimitives.WriteDoubleLittleEndian(span[1..], value);
            Length += 9;
        }

        /// <summary>A string field (wire type 2) holding <paramref name="text"/> in UTF-8.</summary>
        public void String(byte tag, string text)
        {
            var start = BeginMessage(tag);
            var span = Reserve(Encoding.UTF8.GetMaxByteCount(text.Length));
            Length += Encoding.UTF8.GetBytes(text, span);
            EndMessage(start);
        }

        /// <summary>Writes the tag and one length byte; returns where the content starts.</summary>
        public int BeginMessage(byte tag)
        {
            var span = Reserve(2);
            span[0] = tag;
            span[1] = 0;
            Length += 2;
            return Length;
        }

        /// <summary>Fills in the length of the message started at <paramref name="start"/>.</summary>
        public void EndMessage(int start)
        {
            var length = Length - start;
            if (length < 0x80)
            {
                _buffer[start - 1] = (byte)length;
                return;
            }
            var extra = VarintSize((ulong)length) - 1;
            Reserve(extra);
            _buffer.AsSpan(start, length).CopyTo(_buffer.AsSpan(start + extra));
            WriteVarint((ulong)length, _buffer.AsSpan(start - 1));
            Length += extra;
        }

        /// <summary>Writes the length prefix and the bytes collected so far to <paramref name="output"/>.</summary>
        public void CopyDelimitedTo(IBufferWriter<byte> output)
        {
            var prefix = output.GetSpan(10);
            output.Advance(WriteVarint((ulong)Length, prefix));
            var remaining = _buffer.AsSpan(0, Length);
            while (!remaining.IsEmpty)
            {
                // Chunks, so a large family does not ask the writer for one huge segment.
                var span = output.GetSpan(Math.Min(remaining.Length, 64 * 1024));
                var count = Math.Min(span.Length, remaining.Length);
                remaining[..count].CopyTo(span);
                output.Advance(count);
                remaining = remaining[count..];
            }
        }

        private static int WriteVarint(ulong value, Span<byte> span)
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

        private static int VarintSize(ulong value)
        {
            var n = 1;
            while (value >= 0x80)
            {
                value >>= 7;
                n++;
            }
            return n;
        }
    }
}
