using System.Buffers.Binary;
using System.IO.Hashing;
using FedFunctions.Core.Binary;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Storage;

/// <summary>
/// TargetKeyEncoding is the versioned byte encoding of a target's label set that its stored key is hashed from
/// (see <see cref="SnapshotStore.KeyFor"/>). Version 1, byte by byte:
/// <code>
/// 0x01                                   version
/// per label, in Labels order (by name):
///   uvarint  name length in UTF-16 code units,  then the name as UTF-16 little-endian
///   uvarint  value length in UTF-16 code units, then the value as UTF-16 little-endian
/// </code>
/// Every part is length-prefixed, so two different label sets never encode alike, whatever their names and
/// values hold (quotes, commas, <c>=</c>, newlines, empty values, lone surrogates). The key suffix is
/// <c>~v1.</c> and the 16 lower-case hex digits of the XxHash64 of this encoding. Keys written before version 1
/// (a hash of the label text, suffix <c>~</c> + 16 hex digits) are not read back: the first scrape cycle after the
/// upgrade stores every target under its version-1 key and deletes the old rows as targets that left the config.
/// </summary>
internal static class TargetKeyEncoding
{
    /// <summary>The version byte that starts the encoding and names the key suffix.</summary>
    public const byte Version = 1;

    /// <summary>The key suffix before the hash: <c>~v1.</c>.</summary>
    public const string SuffixPrefix = "~v1.";

    /// <summary>How many characters the suffix takes: <see cref="SuffixPrefix"/> and 16 hex digits.</summary>
    public const int SuffixChars = 4 + 16;

    /// <summary>The version-1 bytes of <paramref name="labels"/>.</summary>
    public static byte[] Encode(Labels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var span = labels.AsSpan();
        var size = 1;
        foreach (var label in span) size += Size(label.Name) + Size(label.Value);
        var bytes = new byte[size];
        bytes[0] = Version;
        var n = 1;
        foreach (var label in span)
        {
            n += Write(bytes.AsSpan(n), label.Name);
            n += Write(bytes.AsSpan(n), label.Value);
        }
        return bytes;
    }

    /// <summary>The key suffix of <paramref name="labels"/>: <c>~v1.</c> and the XxHash64 of <see cref="Encode"/> as 16 hex digits.</summary>
    public static string Suffix(Labels labels) =>
        SuffixPrefix + XxHash64.HashToUInt64(Encode(labels)).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    private static int Size(string text) => Varint.Size((ulong)text.Length) + 2 * text.Length;

    private static int Write(Span<byte> destination, string text)
    {
        var n = Varint.Write(destination, (ulong)text.Length);
        foreach (var c in text)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination[n..], c);
            n += 2;
        }
        return n;
    }
}
