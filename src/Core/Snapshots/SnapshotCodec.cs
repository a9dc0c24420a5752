using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Snapshots;

/// <summary>
/// SnapshotCodec turns a <see cref="TargetSnapshot"/> into compact, versioned, checksummed bytes and back.
/// </summary>
/// <remarks>
/// Layout: a 14-byte header — magic <c>FFSN</c>, version, compression kind, uncompressed body length
/// (uint32 LE), CRC-32 (LE) of header bytes 4..9 plus the stored body — then the (usually zlib
/// compressed) body. zlib at its fastest level beat Brotli (quality 0–2) on encode plus decode time for
/// ~50 KB scrapes, at about 10% more bytes; decoding is the hot path, since federation reads every snapshot. The body holds a sorted string table (each distinct string once) and refers to it by
/// varint index everywhere else; values are raw IEEE bits, timestamps zigzag deltas from the scrape time.
/// Version 2 widens each sample's flag byte: bit 0 says a timestamp follows, bit 1 a native histogram
/// (schema, counts, zero bucket, spans, integer deltas or float counts, custom bounds), kept exactly as scraped.
/// The checksum covers everything after the magic, so any changed byte is rejected before decompression.
/// </remarks>
public static partial class SnapshotCodec
{
    /// <summary>
    /// The format version <see cref="Encode"/> writes: 2 adds native histogram samples. <see cref="Decode"/> also
    /// reads version 1 (float samples only), so snapshots stored before the upgrade stay readable.
    /// </summary>
    public const byte CurrentVersion = 2;

    /// <summary>The oldest version <see cref="Decode"/> reads.</summary>
    public const byte OldestReadableVersion = 1;

    /// <summary>The size of the fixed header.</summary>
    internal const int HeaderLength = 14;

    /// <summary>The largest body a reader accepts (guards allocations against hostile lengths).</summary>
    internal const int MaxBodyLength = 512 * 1024 * 1024;

    private static ReadOnlySpan<byte> Magic => "FFSN"u8;

    /// <summary>Encode returns the stored form of <paramref name="snapshot"/>.</summary>
    /// <exception cref="ArgumentException">The snapshot holds a label with an empty value or a string that is not valid UTF-16.</exception>
    public static byte[] Encode(TargetSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var body = SnapshotBodyWriter.Write(snapshot);
        try
        {
            return Wrap(body.WrittenSpan, SnapshotCompression.ZLib);
        }
        finally
        {
            body.Dispose();
        }
    }

    /// <summary>
    /// Decode reads bytes written by <see cref="Encode"/>; it returns a whole snapshot or throws. Given
    /// <paramref name="previous"/> (the same target's last version), series that did not change reuse its label sets: a
    /// target sends the same series in the same order scrape after scrape, so a new version costs its values, not
    /// another million label sets to collect.
    /// </summary>
    /// <exception cref="SnapshotFormatException">The bytes are not a snapshot of a supported version, or are truncated or corrupt.</exception>
    public static TargetSnapshot Decode(ReadOnlySpan<byte> data, TargetSnapshot? previous = null)
    {
        if (data.Length < HeaderLength) throw Error($"snapshot is truncated: {data.Length} bytes, header needs {HeaderLength}");
        if (!data[..4].SequenceEqual(Magic)) throw Error("not a snapshot: bad magic bytes");
        var version = data[4];
        if (version is < OldestReadableVersion or > CurrentVersion) throw Error($"unsupported snapshot version {version}");
        var kind = (SnapshotCompression)data[5];
        var bodyLength = BinaryPrimitives.ReadUInt32LittleEndian(data[6..]);
        var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        var stored = data[HeaderLength..];
        if (Checksum(data[4..10], stored) != storedCrc) throw Error("snapshot checksum mismatch (corrupt or truncated data)");
        if (bodyLength > MaxBodyLength) throw Error($"snapshot body length {bodyLength} exceeds the limit of {MaxBodyLength}");

        if (kind == SnapshotCompression.None)
        {
            if (stored.Length != bodyLength) throw Error($"snapshot body is {stored.Length} bytes, header says {bodyLength}");
            return SnapshotBodyReader.Read(stored, version, previous);
        }
        var buffer = ArrayPool<byte>.Shared.Rent((int)bodyLength);
        try
        {
            var body = buffer.AsSpan(0, (int)bodyLength);
            Decompress(kind, stored, body);
            return SnapshotBodyReader.Read(body, version, previous);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Wraps an uncompressed body in a header, compressing with <paramref name="preferred"/> unless that does not shrink it.</summary>
    internal static byte[] Wrap(ReadOnlySpan<byte> body, SnapshotCompression preferred)
    {
        var capacity = HeaderLength + body.Length + 64;
        var rented = ArrayPool<byte>.Shared.Rent(capacity);
        try
        {
            var kind = preferred;
            var written = kind == SnapshotCompression.None ? -1 : Compress(kind, body, rented.AsSpan(HeaderLength, capacity - HeaderLength));
            if (written < 0 || written >= body.Length)
            {
                // Incompressible (or tiny) bodies are stored as they are.
                kind = SnapshotCompression.None;
                body.CopyTo(rented.AsSpan(HeaderLength));
                written = body.Length;
            }
            var result = new byte[HeaderLength + written];
            Magic.CopyTo(result);
            result[4] = CurrentVersion;
            result[5] = (byte)kind;
            BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(6), (uint)body.Length);
            rented.AsSpan(HeaderLength, written).CopyTo(result.AsSpan(HeaderLength));
            BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(10), Checksum(result.AsSpan(4, 6), result.AsSpan(HeaderLength)));
            return result;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static uint Checksum(ReadOnlySpan<byte> headerFields, ReadOnlySpan<byte> stored)
    {
        var crc = new Crc32();
        crc.Append(headerFields);
        crc.Append(stored);
        return crc.GetCurrentHashAsUInt32();
    }

    internal static SnapshotFormatException Error(string message) => new(message);
}
