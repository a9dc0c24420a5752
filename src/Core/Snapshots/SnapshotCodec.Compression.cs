using System.IO.Compression;

namespace FedFunctions.Core.Snapshots;

public static partial class SnapshotCodec
{
    // Quality 1 with a 22-bit window: most of Brotli's gain on repetitive label text at a fraction of the cost.
    private const int BrotliQuality = 1;
    private const int BrotliWindow = 22;

    /// <summary>Compresses into <paramref name="destination"/>; returns the length, or -1 when it does not fit.</summary>
    private static int Compress(SnapshotCompression kind, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        switch (kind)
        {
            case SnapshotCompression.Brotli:
                return BrotliEncoder.TryCompress(body, destination, out var written, BrotliQuality, BrotliWindow) ? written : -1;
            case SnapshotCompression.ZLib:
                using (var target = new MemoryStream())
                {
                    using (var zlib = new ZLibStream(target, CompressionLevel.Fastest, leaveOpen: true)) zlib.Write(body);
                    if (target.Length > destination.Length) return -1;
                    target.GetBuffer().AsSpan(0, (int)target.Length).CopyTo(destination);
                    return (int)target.Length;
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown compression kind");
        }
    }

    /// <summary>Decompresses exactly <paramref name="body"/>.Length bytes, or throws <see cref="SnapshotFormatException"/>.</summary>
    private static void Decompress(SnapshotCompression kind, ReadOnlySpan<byte> stored, Span<byte> body)
    {
        switch (kind)
        {
            case SnapshotCompression.Brotli:
                // TryDecompress fails both on bad data and on output that would not fit the stated length.
                if (!BrotliDecoder.TryDecompress(stored, body, out var written) || written != body.Length)
                    throw Error("snapshot body does not decompress to the stated length");
                return;
            case SnapshotCompression.ZLib:
                DecompressZLib(stored, body);
                return;
            default:
                throw Error($"unknown snapshot compression kind {(byte)kind}");
        }
    }

    private static unsafe void DecompressZLib(ReadOnlySpan<byte> stored, Span<byte> body)
    {
        try
        {
            fixed (byte* pointer = stored)
            {
                using var source = new UnmanagedMemoryStream(pointer, stored.Length);
                using var zlib = new ZLibStream(source, CompressionMode.Decompress);
                var total = 0;
                while (total < body.Length)
                {
                    var n = zlib.Read(body[total..]);
                    if (n == 0) break;
                    total += n;
                }
                Span<byte> probe = stackalloc byte[1];
                if (total != body.Length || zlib.Read(probe) != 0)
                    throw Error("snapshot body does not decompress to the stated length");
            }
        }
        catch (InvalidDataException e)
        {
            throw new SnapshotFormatException("snapshot body is not valid zlib data", e);
        }
    }
}
