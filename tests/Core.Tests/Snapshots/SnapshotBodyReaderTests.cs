using FedFunctions.Core.Model;
using FedFunctions.Core.Snapshots;

namespace FedFunctions.Core.Tests.Snapshots;

public class SnapshotBodyReaderTests
{
    // Table: "" (0), "__name__" (1), "m" (2) — sorted ordinally.
    private static SnapshotsBody Table() => new SnapshotsBody().Strings("", "__name__", "m");

    // Target labels none, scrape ts 0, up, error "", duration 0, no metadata.
    private static SnapshotsBody Header(SnapshotsBody body) => body.Varint(0).Varint(0).Bytes(1).Varint(0).Double(0).Varint(0);

    // One sample m{} = 1 without timestamp.
    private static byte[] ValidBody() => Header(Table()).Varint(1).Varint(1).Varint(1).Varint(2).Double(1).Bytes(0).ToArray();

    public static TheoryData<string, byte[], string> Malformed => new()
    {
        { "index out of range", Header(Table()).Varint(1).Varint(1).Varint(1).Varint(9).Double(1).Bytes(0).ToArray(), "string index 9 out of range" },
        { "varint overflow", Table().Varint(0).Bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F).ToArray(), "varint overflow" },
        { "varint too long", Table().Varint(0).Bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01).ToArray(), "varint overflow" },
        { "string beyond end", new SnapshotsBody().Varint(1).Varint(200).Bytes(65, 66).ToArray(), "beyond the end" },
        { "sample count beyond end", Header(Table()).Varint(1_000_000).ToArray(), "beyond the end" },
        { "label count beyond end", Table().Varint(ulong.MaxValue >> 1).ToArray(), "beyond the end" },
        { "unsorted table", Header(new SnapshotsBody().Strings("m", "__name__")).Varint(0).ToArray(), "not sorted" },
        { "duplicate string", Header(new SnapshotsBody().Strings("a", "a")).Varint(0).ToArray(), "not sorted" },
        { "invalid UTF-8", Header(new SnapshotsBody().Varint(1).Varint(2).Bytes(0xC3, 0x28)).Varint(0).ToArray(), "not valid UTF-8" },
        { "labels out of order", Header(Table()).Varint(1).Varint(2).Varint(2).Varint(1).Varint(1).Varint(2).Double(1).Bytes(0).ToArray(), "out of order" },
        { "repeated label name", Header(Table()).Varint(1).Varint(2).Varint(1).Varint(2).Varint(1).Varint(2).Double(1).Bytes(0).ToArray(), "out of order" },
        { "empty label value", Header(Table()).Varint(1).Varint(1).Varint(1).Varint(0).Double(1).Bytes(0).ToArray(), "empty label value" },
        { "bad up flag", Table().Varint(0).Varint(0).Bytes(2).Varint(0).Double(0).Varint(0).Varint(0).ToArray(), "invalid up flag 2" },
        { "bad metric type", Table().Varint(0).Varint(0).Bytes(1).Varint(0).Double(0).Varint(1).Varint(2).Bytes(8).Varint(0).Varint(0).Varint(0).ToArray(), "invalid metric type 8" },
        { "bad timestamp flag", Header(Table()).Varint(1).Varint(1).Varint(1).Varint(2).Double(1).Bytes(4).ToArray(), "invalid sample flags 4" },
        { "truncated double", Table().Varint(0).Varint(0).Bytes(1).Varint(0).Bytes(1, 2, 3).ToArray(), "truncated" },
        { "truncated timestamp", Header(Table()).Varint(1).Varint(1).Varint(1).Varint(2).Double(1).Bytes(1).ToArray(), "truncated" },
        { "trailing bytes", [.. ValidBody(), 0], "unexpected bytes after" },
        { "empty body", [], "truncated" },
    };

    [Fact]
    public void ValidHandWrittenBodyDecodes()
    {
        foreach (var kind in new[] { SnapshotCompression.None, SnapshotCompression.ZLib, SnapshotCompression.Brotli })
        {
            var snapshot = SnapshotCodec.Decode(SnapshotCodec.Wrap(ValidBody(), kind));
            var sample = Assert.Single(snapshot.Samples);
            Assert.Equal(Labels.Of("__name__", "m"), sample.Labels);
            Assert.Equal(1, sample.Value);
            Assert.Null(sample.TimestampMs);
            Assert.True(snapshot.Up);
        }
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedBodiesAreRejectedEvenWithAValidChecksum(string name, byte[] body, string message)
    {
        foreach (var kind in new[] { SnapshotCompression.None, SnapshotCompression.ZLib })
        {
            var error = Assert.Throws<SnapshotFormatException>(() => SnapshotCodec.Decode(SnapshotCodec.Wrap(body, kind)));
            Assert.True(error.Message.Contains(message, StringComparison.Ordinal), $"{name}: {error.Message}");
        }
    }
}
