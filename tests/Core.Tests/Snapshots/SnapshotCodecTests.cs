using System.Buffers.Binary;
using System.IO.Hashing;
using CsCheck;
using FedFunctions.Core.Model;
using FedFunctions.Core.Snapshots;

namespace FedFunctions.Core.Tests.Snapshots;

public class SnapshotCodecTests
{
    private static TargetSnapshot EdgeCases() => new()
    {
        TargetLabels = Labels.Of("job", "node", "instance", "host:9100", "région", "île-de-France ✓"),
        ScrapeTimestampMs = 1_700_000_000_123,
        Up = true,
        Error = "",
        DurationSeconds = -0.0,
        Metadata =
        [
            new MetricMetadata("m", MetricType.Gauge, "Help with \"quotes\", \\ and\nnewlines.", ""),
            new MetricMetadata("h", MetricType.Histogram, "", "seconds"),
            new MetricMetadata("s", MetricType.StateSet, "ünïcödé", "bytes"),
            new MetricMetadata("u", MetricType.Unknown, "", ""),
        ],
        Samples =
        [
            new Sample(Labels.Of("__name__", "m", "v", "stale"), StaleNaN.Value, 1_700_000_000_123),
            new Sample(Labels.Of("__name__", "m", "v", "normal_nan"), BitConverter.UInt64BitsToDouble(StaleNaN.NormalBits), null),
            new Sample(Labels.Of("__name__", "m", "v", "negative_nan"), BitConverter.UInt64BitsToDouble(0xFFF8000000000000), 0),
            new Sample(Labels.Of("__name__", "m", "v", "signalling_nan"), BitConverter.UInt64BitsToDouble(0x7FF0000000000001), -1),
            new Sample(Labels.Of("__name__", "m", "v", "negative_zero"), -0.0, long.MinValue),
            new Sample(Labels.Of("__name__", "m", "v", "+inf"), double.PositiveInfinity, long.MaxValue),
            new Sample(Labels.Of("__name__", "m", "v", "-inf"), double.NegativeInfinity, 1_700_000_000_000),
            new Sample(Labels.Of("__name__", "m", "v", "epsilon"), double.Epsilon, null),
            new Sample(Labels.Of("__name__", "h_bucket", "le", "+Inf"), 1e300, 1_700_000_000_124),
            new Sample(Labels.Of("__name__", "ünï.cödé", "名前", "値 \"quoted\" \\ \n 😀"), 42, null),
            new Sample(Labels.Empty, 1, null),
        ],
    };

    [Fact]
    public void RoundTripsEdgeCasesBitForBit()
    {
        var snapshot = EdgeCases();
        SnapshotsAssert.Identical(snapshot, SnapshotCodec.Decode(SnapshotCodec.Encode(snapshot)));
    }

    [Fact]
    public void RoundTripsFailedScrapeWithError()
    {
        var snapshot = new TargetSnapshot
        {
            TargetLabels = Labels.Of("job", "j"),
            ScrapeTimestampMs = -5,
            Up = false,
            Error = "Get \"http://127.0.0.1:1/metrics\": connection refused",
            DurationSeconds = double.NaN,
            Samples = [new Sample(Labels.Of("__name__", "up", "job", "j"), 0, -5)],
        };
        SnapshotsAssert.Identical(snapshot, SnapshotCodec.Decode(SnapshotCodec.Encode(snapshot)));
    }

    [Fact]
    public void RoundTripsEmptySnapshot()
    {
        var snapshot = new TargetSnapshot { TargetLabels = Labels.Empty, ScrapeTimestampMs = 0, Up = false };
        SnapshotsAssert.Identical(snapshot, SnapshotCodec.Decode(SnapshotCodec.Encode(snapshot)));
    }

    [Fact]
    public void RoundTripsHugeLabelValues()
    {
        var huge = string.Create(1 << 20, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = (char)('a' + i * 7919 % 26);
        });
        var snapshot = new TargetSnapshot
        {
            TargetLabels = Labels.Of("big", huge),
            ScrapeTimestampMs = 1,
            Up = true,
            Metadata = [new MetricMetadata("m", MetricType.Gauge, huge + "é", "")],
            Samples = [new Sample(Labels.Of("__name__", "m", "big", huge), 1, null), new Sample(Labels.Of("__name__", "m", "big", huge + "✓"), 2, 3)],
        };
        var encoded = SnapshotCodec.Encode(snapshot);
        SnapshotsAssert.Identical(snapshot, SnapshotCodec.Decode(encoded));
    }

    [Fact]
    public void RoundTripsManySamples()
    {
        var samples = new Sample[100_000];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = new Sample(Labels.Of("__name__", $"metric_{i % 97}", "series", i.ToString(), "job", "load"),
                i * 0.5, i % 3 == 0 ? null : 1_700_000_000_000 + i - 50_000);
        }
        var snapshot = new TargetSnapshot { TargetLabels = Labels.Of("job", "load"), ScrapeTimestampMs = 1_700_000_000_000, Up = true, Samples = samples };
        SnapshotsAssert.Identical(snapshot, SnapshotCodec.Decode(SnapshotCodec.Encode(snapshot)));
    }

    [Theory]
    [InlineData("node_exporter-1.5.0.txt")]
    [InlineData("prometheus-2.42-self.txt")]
    public void RoundTripsRealScrapesAndSharesStrings(string fixture)
    {
        var snapshot = SnapshotsFixtureReader.Read(fixture);
        Assert.True(snapshot.Samples.Count > 400);
        var encoded = SnapshotCodec.Encode(snapshot);
        Assert.True(encoded.Length < 20_000, $"{fixture} encoded to {encoded.Length} bytes");
        var decoded = SnapshotCodec.Decode(encoded);
        SnapshotsAssert.Identical(snapshot, decoded);

        // Every occurrence of one string is one instance: label names and repeated values alike.
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var shared = 0;
        foreach (var sample in decoded.Samples)
        {
            foreach (var label in sample.Labels.AsSpan())
            {
                foreach (var s in new[] { label.Name, label.Value })
                {
                    if (seen.TryGetValue(s, out var first))
                    {
                        Assert.Same(first, s);
                        shared++;
                    }
                    else
                    {
                        seen[s] = s;
                    }
                }
            }
        }
        Assert.True(shared > decoded.Samples.Count);
    }

    /// <summary>Random snapshots: few, short names and values, so two of them often share series.</summary>
    private static Gen<TargetSnapshot> GeneratedSnapshots()
    {
        var text = Gen.String[Gen.Char["ab_:.é✓\"\\\n 名"], 0, 6];
        var nonEmpty = Gen.String[Gen.Char["abcxyz_.é名"], 1, 5];
        var labels = Gen.Select(nonEmpty, nonEmpty).Array[0, 5].Select(pairs =>
            Labels.From(pairs.DistinctBy(p => p.Item1).Select(p => new Label(p.Item1, p.Item2))));
        var timestamp = Gen.Select(Gen.Bool, Gen.Long).Select((has, t) => has ? t : (long?)null);
        var sample = Gen.Select(labels, Gen.ULong.Select(BitConverter.UInt64BitsToDouble), timestamp)
            .Select((l, v, t) => new Sample(l, v, t));
        var metadata = Gen.Select(nonEmpty, Gen.Byte[0, 7], text, text).Select((n, t, h, u) => new MetricMetadata(n, (MetricType)t, h, u));
        return Gen.Select(labels, Gen.Long, Gen.Bool, text, Gen.ULong, metadata.Array[0, 4], sample.Array[0, 30])
            .Select((target, ts, up, error, duration, meta, samples) => new TargetSnapshot
            {
                TargetLabels = target,
                ScrapeTimestampMs = ts,
                Up = up,
                Error = error,
                DurationSeconds = BitConverter.UInt64BitsToDouble(duration),
                Metadata = meta,
                Samples = samples,
            });
    }

    [Fact]
    public void RoundTripsGeneratedSnapshots()
    {
        GeneratedSnapshots().Sample(snapshot => SnapshotsAssert.Identical(snapshot, SnapshotCodec.Decode(SnapshotCodec.Encode(snapshot))), iter: 2_000);
    }

    [Fact]
    public void ANewVersionDecodedBesideTheLastOneIsTheSameSnapshot()
    {
        // The next version: another snapshot, or the last one with some values changed and a series dropped.
        Gen.Select(GeneratedSnapshots(), GeneratedSnapshots(), Gen.Int[0, 3]).Sample((last, other, mode) =>
        {
            var previous = SnapshotCodec.Decode(SnapshotCodec.Encode(last));
            var next = mode == 0 ? other : new TargetSnapshot
            {
                TargetLabels = last.TargetLabels,
                ScrapeTimestampMs = last.ScrapeTimestampMs + 1,
                Up = last.Up,
                Metadata = last.Metadata,
                Samples = [.. last.Samples.Where((_, i) => i != mode).Select((sample, i) => i % mode == 0 ? sample with { Value = i } : sample)],
            };
            var decoded = SnapshotCodec.Decode(SnapshotCodec.Encode(next), previous);
            SnapshotsAssert.Identical(next, decoded);
            for (var i = 0; i < Math.Min(decoded.Samples.Count, previous.Samples.Count); i++)
            {
                // Equal labels at the same position are the same instance (all strings here are short enough to pool).
                if (decoded.Samples[i].Labels.Equals(previous.Samples[i].Labels)) Assert.Same(previous.Samples[i].Labels, decoded.Samples[i].Labels);
                else Assert.NotSame(previous.Samples[i].Labels, decoded.Samples[i].Labels);
            }
        }, iter: 2_000);
    }

    [Fact]
    public void EveryFlippedByteIsRejected()
    {
        var snapshot = SmallSnapshot();
        var encoded = SnapshotCodec.Encode(snapshot);
        foreach (var mask in new byte[] { 0x01, 0x80, 0xFF })
        {
            for (var i = 0; i < encoded.Length; i++)
            {
                var corrupt = (byte[])encoded.Clone();
                corrupt[i] ^= mask;
                // The checksum covers everything but the magic: no flip may decode to something else.
                Assert.Throws<SnapshotFormatException>(() => SnapshotCodec.Decode(corrupt));
            }
        }
    }

    [Fact]
    public void EveryTruncationAndExtensionIsRejected()
    {
        var encoded = SnapshotCodec.Encode(SmallSnapshot());
        for (var length = 0; length < encoded.Length; length++)
        {
            Assert.Throws<SnapshotFormatException>(() => SnapshotCodec.Decode(encoded.AsSpan(0, length)));
        }
        Assert.Throws<SnapshotFormatException>(() => SnapshotCodec.Decode([.. encoded, 0]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(255)]
    public void UnknownVersionIsRejected(byte version)
    {
        var encoded = SnapshotCodec.Encode(SmallSnapshot());
        encoded[4] = version;
        var error = Assert.Throws<SnapshotFormatException>(() => SnapshotCodec.Decode(encoded));
        Assert.Equal($"unsupported snapshot version {version}", error.Message);
    }

    [Fact]
    public void BadMagicIsRejected()
    {
        var encoded = SnapshotCodec.Encode(SmallSnapshot());
        encoded[0] = (byte)'X';
        Assert.Contains("magic", Assert.Throws<SnapshotFormatException>(() => SnapshotCodec.Decode(encoded)).Message);
        Assert.Contains("truncated", Assert.Throws<SnapshotFormatException>(() => SnapshotCodec.Decode([])).Message);
    }

    [Fact]
    public void DecodedLabelSetsHashLikeLabelSetsBuiltAnyOtherWay()
    {
        // The decoder combines precomputed string hashes; a dictionary keyed by parsed labels must find decoded ones.
        var snapshot = SnapshotsFixtureReader.Read("prometheus-2.42-self.txt");
        var decoded = SnapshotCodec.Decode(SnapshotCodec.Encode(snapshot));
        var byLabels = snapshot.Samples.ToDictionary(s => s.Labels, s => s.Value);
        Assert.All(decoded.Samples, s =>
        {
            Assert.Equal(Labels.From(s.Labels).GetHashCode(), s.Labels.GetHashCode());
            Assert.True(byLabels.ContainsKey(s.Labels));
        });
    }

    [Fact]
    public void EncodedHeaderIsVersionedAndCompressed()
    {
        var snapshot = SnapshotsFixtureReader.Read("node_exporter-1.5.0.txt");
        var encoded = SnapshotCodec.Encode(snapshot);
        Assert.Equal("FFSN"u8.ToArray(), encoded[..4]);
        Assert.Equal(SnapshotCodec.CurrentVersion, encoded[4]);
        Assert.Equal((byte)SnapshotCompression.ZLib, encoded[5]);
        Assert.True(BinaryPrimitives.ReadUInt32LittleEndian(encoded.AsSpan(6)) > encoded.Length);
    }

    [Theory]
    [InlineData((byte)SnapshotCompression.None)]
    [InlineData((byte)SnapshotCompression.Brotli)]
    [InlineData((byte)SnapshotCompression.ZLib)]
    public void EveryCompressionKindDecodes(byte kindByte)
    {
        var kind = (SnapshotCompression)kindByte;
        var snapshot = EdgeCases();
        var body = SnapshotsBody.Encode(snapshot);
        var encoded = SnapshotCodec.Wrap(body, kind);
        Assert.Equal((byte)kind, encoded[5]);
        SnapshotsAssert.Identical(snapshot, SnapshotCodec.Decode(encoded));
    }

    [Theory]
    [InlineData((byte)SnapshotCompression.Brotli, 1)]
    [InlineData((byte)SnapshotCompression.Brotli, -1)]
    [InlineData((byte)SnapshotCompression.ZLib, 1)]
    [InlineData((byte)SnapshotCompression.ZLib, -1)]
    [InlineData((byte)SnapshotCompression.None, 1)]
    public void WrongStatedLengthIsRejected(byte kindByte, int delta)
    {
        var kind = (SnapshotCompression)kindByte;
        var encoded = SnapshotCodec.Wrap(SnapshotsBody.Encode(EdgeCases()), kind);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(encoded.AsSpan(6));
        BinaryPrimitives.WriteUInt32LittleEndian(encoded.AsSpan(6), (uint)(length + delta));
        Reseal(encoded);
        Assert.Throws<SnapshotFormatException>(() => SnapshotCodec.Decode(encoded));
    }

    [Fact]
    public void UnknownCompressionKindAndHugeLengthAreRejected()
    {
        var encoded = SnapshotCodec.Wrap(SnapshotsBody.Encode(EdgeCases()), SnapshotCompression.ZLib);
        encoded[5] = 9;
        Reseal(encoded);
        Assert.Contains("compression kind 9", Assert.Throws<SnapshotFormatException>(() => SnapshotCodec.Decode(encoded)).Message);

        encoded[5] = (byte)SnapshotCompression.ZLib;
        BinaryPrimitives.WriteUInt32LittleEndian(encoded.AsSpan(6), uint.MaxValue);
        Reseal(encoded);
        Assert.Contains("exceeds the limit", Assert.Throws<SnapshotFormatException>(() => SnapshotCodec.Decode(encoded)).Message);
    }

    [Fact]
    public void CorruptCompressedDataWithValidChecksumIsRejected()
    {
        var encoded = SnapshotCodec.Wrap(SnapshotsBody.Encode(EdgeCases()), SnapshotCompression.ZLib);
        for (var i = SnapshotCodec.HeaderLength; i < encoded.Length; i += 7)
        {
            var corrupt = (byte[])encoded.Clone();
            corrupt[i] ^= 0x5A;
            Reseal(corrupt);
            // Either the damage is caught by zlib, by the length check or by the body validation, or it is
            // harmless (decodes identically); never a different snapshot.
            try
            {
                SnapshotsAssert.Identical(EdgeCases(), SnapshotCodec.Decode(corrupt));
            }
            catch (SnapshotFormatException)
            {
            }
        }
    }

    [Fact]
    public void EmptyLabelValuesCannotBeEncoded()
    {
        var snapshot = new TargetSnapshot
        {
            TargetLabels = Labels.FromSortedUnchecked([new Label("instance", "")]),
            ScrapeTimestampMs = 0,
            Up = true,
        };
        Assert.Throws<ArgumentException>(() => SnapshotCodec.Encode(snapshot));
    }

    internal static TargetSnapshot SmallSnapshot() => new()
    {
        TargetLabels = Labels.Of("job", "j", "instance", "i:1"),
        ScrapeTimestampMs = 1_700_000_000_000,
        Up = true,
        DurationSeconds = 0.25,
        Metadata = [new MetricMetadata("m", MetricType.Counter, "Help.", "")],
        Samples =
        [
            new Sample(Labels.Of("__name__", "m", "job", "j", "instance", "i:1"), 7, 1_700_000_000_000),
            new Sample(Labels.Of("__name__", "up", "job", "j", "instance", "i:1"), 1, null),
        ],
    };

    /// <summary>Recomputes the checksum after a deliberate header or body change.</summary>
    internal static void Reseal(byte[] encoded)
    {
        var crc = new Crc32();
        crc.Append(encoded.AsSpan(4, 6));
        crc.Append(encoded.AsSpan(SnapshotCodec.HeaderLength));
        BinaryPrimitives.WriteUInt32LittleEndian(encoded.AsSpan(10), crc.GetCurrentHashAsUInt32());
    }
}
