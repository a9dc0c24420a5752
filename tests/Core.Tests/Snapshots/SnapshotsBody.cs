using System.Buffers.Binary;
using System.Text;
using FedFunctions.Core.Model;
using FedFunctions.Core.Snapshots;

namespace FedFunctions.Core.Tests.Snapshots;

/// <summary>SnapshotsBody builds uncompressed snapshot bodies, valid or deliberately malformed, for the reader tests.</summary>
internal sealed class SnapshotsBody
{
    private readonly List<byte> _bytes = [];

    public static byte[] Encode(TargetSnapshot snapshot)
    {
        using var buffer = SnapshotBodyWriter.Write(snapshot);
        return buffer.WrittenSpan.ToArray();
    }

    public SnapshotsBody Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        _bytes.Add((byte)value);
        return this;
    }

    public SnapshotsBody Bytes(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public SnapshotsBody Strings(params string[] strings)
    {
        Varint((ulong)strings.Length);
        foreach (var s in strings)
        {
            var utf8 = Encoding.UTF8.GetBytes(s);
            Varint((ulong)utf8.Length).Bytes(utf8);
        }
        return this;
    }

    public SnapshotsBody Double(double value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, BitConverter.DoubleToUInt64Bits(value));
        return Bytes(bytes);
    }

    public byte[] ToArray() => [.. _bytes];
}
