using System.Buffers;
using System.Text;
using FedFunctions.Core.Binary;

namespace FedFunctions.Core.Exposition;

public static partial class PrometheusProtobufWriter
{
    /// <summary>
    /// ProtoBuffer collects one MetricFamily message, whose length must precede it. Nested messages
    /// reserve one length byte and are moved up in place in the rare case they reach 128 bytes, so
    /// nothing is measured twice and no per-sample strings are made.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "One buffer per thread, cached for the thread's lifetime; its pooled array is returned on Clear, not Dispose.")]
    private sealed class ProtoBuffer
    {
        private const int InitialSize = 16 * 1024;
        private const int KeepAtMost = 1024 * 1024;

        [ThreadStatic]
        private static ProtoBuffer? t_cached;

        private readonly PooledByteBuffer _bytes = new(InitialSize);

        /// <summary>The bytes written so far.</summary>
        public int Length => _bytes.Length;

        /// <summary>How the names written into this message are escaped (set for each family).</summary>
        public Model.NameEscapingScheme Escaping { get; private set; }

        public static ProtoBuffer Rent(Model.NameEscapingScheme escaping)
        {
            var buffer = t_cached ?? new ProtoBuffer();
            t_cached = null;
            buffer._bytes.Truncate(0);
            buffer.Escaping = escaping;
            return buffer;
        }

        public static void Return(ProtoBuffer buffer)
        {
            // A huge family should not pin a huge array to the thread for good.
            buffer._bytes.Clear(KeepAtMost, InitialSize);
            t_cached = buffer;
        }

        public void Truncate(int length) => _bytes.Truncate(length);

        public void Byte(byte value) => _bytes.WriteByte(value);

        public void Varint(ulong value) => _bytes.WriteVarint(value);

        /// <summary>A double field (wire type 1): the tag, then 8 bytes little-endian.</summary>
        public void Double(byte tag, double value)
        {
            _bytes.WriteByte(tag);
            _bytes.WriteDouble(value);
        }

        /// <summary>A double without a tag (an element of a packed run).</summary>
        public void RawDouble(double value) => _bytes.WriteDouble(value);

        /// <summary>A string field (wire type 2) holding <paramref name="text"/> in UTF-8.</summary>
        public void String(byte tag, string text)
        {
            var start = BeginMessage(tag);
            var span = _bytes.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
            _bytes.Advance(Encoding.UTF8.GetBytes(text, span));
            EndMessage(start);
        }

        /// <summary>Writes the tag and one length byte; returns where the content starts.</summary>
        public int BeginMessage(byte tag)
        {
            var span = _bytes.GetSpan(2);
            span[0] = tag;
            span[1] = 0;
            _bytes.Advance(2);
            return Length;
        }

        /// <summary>Fills in the length of the message started at <paramref name="start"/>.</summary>
        public void EndMessage(int start)
        {
            var length = Length - start;
            if (length < 0x80)
            {
                _bytes.Written[start - 1] = (byte)length;
                return;
            }
            var extra = Binary.Varint.Size((ulong)length) - 1;
            _bytes.GetSpan(extra);
            _bytes.Advance(extra);
            var written = _bytes.Written;
            written.Slice(start, length).CopyTo(written[(start + extra)..]);
            Binary.Varint.Write(written[(start - 1)..], (ulong)length);
        }

        /// <summary>Writes the length prefix and the bytes collected so far to <paramref name="output"/>.</summary>
        public void CopyDelimitedTo(IBufferWriter<byte> output)
        {
            var prefix = output.GetSpan(Binary.Varint.MaxLength);
            output.Advance(Binary.Varint.Write(prefix, (ulong)Length));
            var remaining = _bytes.WrittenSpan;
            while (!remaining.IsEmpty)
            {
                // Small asks, so a large family neither gets one huge segment nor leaves much of the writer's current one unused.
                var span = output.GetSpan(Math.Min(remaining.Length, 1024));
                var count = Math.Min(span.Length, remaining.Length);
                remaining[..count].CopyTo(span);
                output.Advance(count);
                remaining = remaining[count..];
            }
        }
    }
}
