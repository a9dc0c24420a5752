using System.Buffers.Binary;
using System.IO.Hashing;
using FedFunctions.Core.Model;
using FedFunctions.Core.Snapshots;

namespace FedFunctions.Core.Tests.Snapshots;

public class NativeHistogramSnapshotTests
{
    private static readonly Labels Target = Labels.Of("instance", "a:1", "job", "j");

    internal static NativeHistogram IntegerHistogram() => new()
    {
        Schema = -2,
        Sum = 1234.5,
        Count = ulong.MaxValue, // integer counts beyond 2^53 must survive exactly
        ZeroThreshold = 2.938735877055719e-39,
        ZeroCount = 7,
        PositiveSpans = [new(-3, 2), new(0, 0), new(4, 1)],
        PositiveDeltas = [long.MaxValue, long.MinValue, 3],
        NegativeSpans = [new(int.MinValue, 1)],
        NegativeDeltas = [-1],
    };

    internal static NativeHistogram FloatHistogram() => new()
    {
        Schema = 8,
        IsFloat = true,
        Sum = BitConverter.UInt64BitsToDouble(0x7ff8000000000123), // a NaN payload, bit for bit
        CountFloat = 10.25,
        ZeroThreshold = 0,
        ZeroCountFloat = 0.25,
        PositiveSpans = [new(0, 3)],
        PositiveCounts = [1, double.Epsilon, 9],
    };

    internal static NativeHistogram CustomBuckets() => new()
    {
        Schema = NativeHistogram.CustomBucketsSchema,
        IsFloat = true,
        Sum = 3,
        CountFloat = 4,
        PositiveSpans = [new(0, 3)],
        PositiveCounts = [1, 2, 1],
        CustomValues = [0.1, 1, 10],
    };

    private static TargetSnapshot Snapshot(params Sample[] samples) => new()
    {
        TargetLabels = Target,
        ScrapeTimestampMs = 1_700_000_000_000,
        Up = true,
        Metadata = [new MetricMetadata("h", MetricType.Histogram, "help", "")],
        Samples = samples,
    };

    [Fact]
    public void NativeHistograms_RoundTripLosslessly()
    {
        var histograms = new[] { IntegerHistogram(), FloatHistogram(), CustomBuckets() };
        var snapshot = Snapshot(
        [
            .. histograms.Select((h, i) => new Sample(Labels.Of("__name__", "h", "i", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), h.Sum, i == 0 ? 1_700_000_000_005 : null, h)),
            new Sample(Labels.Of("__name__", "plain"), 2.5, null),
        ]);

        var decoded = SnapshotCodec.Decode(SnapshotCodec.Encode(snapshot));

        Assert.Equal(4, decoded.Samples.Count);
        for (var i = 0; i < histograms.Length; i++)
        {
            Assert.True(histograms[i].SameAs(decoded.Samples[i].Histogram), $"histogram {i}");
            Assert.Equal(snapshot.Samples[i].TimestampMs, decoded.Samples[i].TimestampMs);
            Assert.Equal(snapshot.Samples[i].Labels, decoded.Samples[i].Labels);
        }
        Assert.Null(decoded.Samples[3].Histogram);
        Assert.Equal(2.5, decoded.Samples[3].Value);
    }

    [Fact]
    public void StaleHistogramMarker_SurvivesAsStale()
    {
        var stale = new NativeHistogram { Schema = 0, Sum = StaleNaN.Value };
        var decoded = SnapshotCodec.Decode(SnapshotCodec.Encode(Snapshot(new Sample(Labels.Of("__name__", "h"), stale.Sum, null, stale))));
        Assert.True(decoded.Samples[0].Histogram!.IsStaleMarker);
    }

    [Fact]
    public void Version1Snapshots_StillRead_AndCannotHoldHistograms()
    {
        // A float-only body is laid out alike in versions 1 and 2 (flag byte 0 or 1): relabel one as version 1.
        var floats = Snapshot(new Sample(Labels.Of("__name__", "a"), 1, 5), new Sample(Labels.Of("__name__", "b"), 2, null));
        var v1 = AsVersion(SnapshotCodec.Encode(floats), 1);
        var decoded = SnapshotCodec.Decode(v1);
        Assert.Equal(floats.Samples, decoded.Samples);

        var withHistogram = AsVersion(SnapshotCodec.Encode(Snapshot(new Sample(Labels.Of("__name__", "h"), 0, null, FloatHistogram()))), 1);
        Assert.Contains("invalid sample flags 2", Assert.Throws<SnapshotFormatException>(() => SnapshotCodec.Decode(withHistogram)).Message);
    }

    [Fact]
    public void TruncatedHistogram_IsRejected()
    {
        var encoded = SnapshotCodec.Encode(Snapshot(new Sample(Labels.Of("__name__", "h"), 0, null, IntegerHistogram())));
        var body = Uncompressed(encoded);
        for (var cut = body.Length - 1; cut > body.Length - 40; cut--)
            Assert.Throws<SnapshotFormatException>(() => SnapshotCodec.Decode(Rewrap(body[..cut], SnapshotCodec.CurrentVersion)));
    }

    /// <summary>The body of an encoded snapshot, decompressed (re-wrapped uncompressed to patch it).</summary>
    private static byte[] Uncompressed(byte[] encoded)
    {
        var snapshot = SnapshotCodec.Decode(encoded);
        _ = snapshot;
        var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(encoded.AsSpan(6));
        var stored = encoded.AsSpan(SnapshotCodec.HeaderLength);
        if (encoded[5] == (byte)SnapshotCompression.None) return stored.ToArray();
        using var zlib = new System.IO.Compression.ZLibStream(new MemoryStream(stored.ToArray()), System.IO.Compression.CompressionMode.Decompress);
        var body = new byte[length];
        zlib.ReadExactly(body);
        return body;
    }

    private static byte[] AsVersion(byte[] encoded, byte version) => Rewrap(Uncompressed(encoded), version);

    /// <summary>An uncompressed snapshot of <paramref name="body"/> with header version <paramref name="version"/> and a valid checksum.</summary>
    private static byte[] Rewrap(byte[] body, byte version)
    {
        var result = new byte[SnapshotCodec.HeaderLength + body.Length];
        "FFSN"u8.CopyTo(result);
        result[4] = version;
        result[5] = (byte)SnapshotCompression.None;
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(6), (uint)body.Length);
        body.CopyTo(result.AsSpan(SnapshotCodec.HeaderLength));
        var crc = new Crc32();
        crc.Append(result.AsSpan(4, 6));
        crc.Append(body);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(10), crc.GetCurrentHashAsUInt32());
        return result;
    }
}
