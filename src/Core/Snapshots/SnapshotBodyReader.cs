using System.Buffers.Binary;
using System.Text;
using FedFunctions.Core.Binary;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Snapshots;

/// <summary>
/// SnapshotBodyReader decodes the uncompressed body, validating every length, index and ordering so a
/// malformed body (even one with a valid checksum) throws instead of producing a wrong snapshot.
/// </summary>
internal ref struct SnapshotBodyReader
{
    // Smallest encodings, used to bound counts before allocating: a label pair is 2 bytes, a sample 10
    // (label count, value, timestamp flag), a metadata entry 4.
    private const int MinLabelPairBytes = 2;
    private const int MinSampleBytes = 10;
    private const int MinMetadataBytes = 4;

    private readonly ReadOnlySpan<byte> _data;
    private readonly byte _version;
    private int _position;
    private string[] _strings;
    private int[] _hashes;
    private int _emptyIndex;

    private SnapshotBodyReader(ReadOnlySpan<byte> data, byte version)
    {
        _data = data;
        _version = version;
        _strings = [];
        _hashes = [];
        _emptyIndex = -1;
    }

    /// <summary>Reads a body; the series whose labels equal those at the same position in <paramref name="previous"/> share its label sets.</summary>
    public static TargetSnapshot Read(ReadOnlySpan<byte> body, byte version = SnapshotCodec.CurrentVersion, TargetSnapshot? previous = null)
    {
        var reader = new SnapshotBodyReader(body, version);
        return reader.ReadSnapshot(previous?.Samples);
    }

    private TargetSnapshot ReadSnapshot(IReadOnlyList<Sample>? previous)
    {
        ReadStringTable();
        var targetLabels = ReadLabels();
        var scrapeTimestamp = ReadZigZag();
        var up = ReadByte() switch
        {
            0 => false,
            1 => true,
            var b => throw SnapshotCodec.Error($"invalid up flag {b} at body offset {_position - 1}"),
        };
        var error = ReadString();
        var duration = ReadDouble();

        var metadataCount = ReadCount(MinMetadataBytes);
        var metadata = new MetricMetadata[metadataCount];
        for (var i = 0; i < metadata.Length; i++)
        {
            var name = ReadString();
            var typeByte = ReadByte();
            if (typeByte > (byte)MetricType.StateSet) throw SnapshotCodec.Error($"invalid metric type {typeByte} at body offset {_position - 1}");
            metadata[i] = new MetricMetadata(name, (MetricType)typeByte, ReadString(), ReadString());
        }

        var sampleCount = ReadCount(MinSampleBytes);
        var samples = new Sample[sampleCount];
        for (var i = 0; i < samples.Length; i++)
        {
            var labels = previous is not null && i < previous.Count ? ReadLabels(previous[i].Labels) : ReadLabels();
            var value = ReadDouble();
            var flags = ReadByte();
            // Version 1 knows only the timestamp flag.
            var known = _version >= 2 ? SnapshotBodyWriter.TimestampFlag | SnapshotBodyWriter.HistogramFlag : SnapshotBodyWriter.TimestampFlag;
            if ((flags & ~known) != 0) throw SnapshotCodec.Error($"invalid sample flags {flags} at body offset {_position - 1}");
            long? timestamp = (flags & SnapshotBodyWriter.TimestampFlag) != 0 ? unchecked(scrapeTimestamp + ReadZigZag()) : null;
            var histogram = (flags & SnapshotBodyWriter.HistogramFlag) != 0 ? ReadHistogram() : null;
            samples[i] = new Sample(labels, value, timestamp, histogram);
        }
        if (_position != _data.Length) throw SnapshotCodec.Error($"{_data.Length - _position} unexpected bytes after the snapshot body");

        return new TargetSnapshot
        {
            TargetLabels = targetLabels,
            ScrapeTimestampMs = scrapeTimestamp,
            Up = up,
            Error = error,
            DurationSeconds = duration,
            Metadata = metadata,
            Samples = samples,
        };
    }

    private NativeHistogram ReadHistogram()
    {
        var schema = ReadZigZag();
        if (schema is < int.MinValue or > int.MaxValue) throw SnapshotCodec.Error($"histogram schema {schema} out of range at body offset {_position}");
        var isFloat = ReadByte() switch
        {
            0 => false,
            1 => true,
            var b => throw SnapshotCodec.Error($"invalid histogram kind {b} at body offset {_position - 1}"),
        };
        var sum = ReadDouble();
        var zeroThreshold = ReadDouble();
        double countFloat = 0, zeroCountFloat = 0;
        ulong count = 0, zeroCount = 0;
        if (isFloat)
        {
            countFloat = ReadDouble();
            zeroCountFloat = ReadDouble();
        }
        else
        {
            count = ReadVarint();
            zeroCount = ReadVarint();
        }
        var positiveSpans = ReadSpans();
        var (positiveDeltas, positiveCounts) = ReadBuckets(isFloat);
        var negativeSpans = ReadSpans();
        var (negativeDeltas, negativeCounts) = ReadBuckets(isFloat);
        return new NativeHistogram
        {
            Schema = (int)schema,
            IsFloat = isFloat,
            Sum = sum,
            ZeroThreshold = zeroThreshold,
            Count = count,
            CountFloat = countFloat,
            ZeroCount = zeroCount,
            ZeroCountFloat = zeroCountFloat,
            PositiveSpans = positiveSpans,
            PositiveDeltas = positiveDeltas,
            PositiveCounts = positiveCounts,
            NegativeSpans = negativeSpans,
            NegativeDeltas = negativeDeltas,
            NegativeCounts = negativeCounts,
            CustomValues = ReadDoubles(),
        };
    }

    private BucketSpan[] ReadSpans()
    {
        var spans = new BucketSpan[ReadCount(2)];
        for (var i = 0; i < spans.Length; i++)
        {
            var offset = ReadZigZag();
            var length = ReadVarint();
            if (offset is < int.MinValue or > int.MaxValue || length > uint.MaxValue)
                throw SnapshotCodec.Error($"histogram span out of range at body offset {_position}");
            spans[i] = new BucketSpan((int)offset, (uint)length);
        }
        return spans;
    }

    private (long[] Deltas, double[] Counts) ReadBuckets(bool isFloat)
    {
        if (isFloat) return ([], ReadDoubles());
        var deltas = new long[ReadCount(1)];
        for (var i = 0; i < deltas.Length; i++) deltas[i] = ReadZigZag();
        return (deltas, []);
    }

    private double[] ReadDoubles()
    {
        var values = new double[ReadCount(8)];
        for (var i = 0; i < values.Length; i++) values[i] = ReadDouble();
        return values;
    }

    private void ReadStringTable()
    {
        var count = ReadCount(1);
        var strings = new string[count];
        for (var i = 0; i < strings.Length; i++)
        {
            var length = ReadCount(1);
            var bytes = _data.Slice(_position, length);
            _position += length;
            string s;
            try
            {
                s = SnapshotStringPool.Decode(bytes);
            }
            catch (DecoderFallbackException e)
            {
                throw new SnapshotFormatException($"string {i} of the snapshot string table is not valid UTF-8", e);
            }
            // Sorted and unique: that makes "names in increasing index order" mean "labels sorted by name".
            if (i > 0 && string.CompareOrdinal(strings[i - 1], s) >= 0)
                throw SnapshotCodec.Error($"snapshot string table is not sorted at entry {i}");
            if (s.Length == 0) _emptyIndex = i;
            strings[i] = s;
        }
        _strings = strings;
        // Hash each distinct string once; label sets then combine these instead of rehashing every value.
        _hashes = new int[strings.Length];
        for (var i = 0; i < strings.Length; i++) _hashes[i] = StringComparer.Ordinal.GetHashCode(strings[i]);
    }

    /// <summary>
    /// Returns <paramref name="candidate"/> when the next label set is the same (string for string: decoded strings
    /// are pooled, so the same text is the same instance), otherwise reads a new one.
    /// </summary>
    private Labels ReadLabels(Labels candidate)
    {
        var start = _position;
        if (SameLabels(candidate)) return candidate;
        _position = start;
        return ReadLabels();
    }

    private bool SameLabels(Labels candidate)
    {
        var count = ReadCount(MinLabelPairBytes);
        if (count != candidate.Count) return false;
        var labels = candidate.AsSpan();
        var previousName = -1;
        for (var i = 0; i < count; i++)
        {
            var name = ReadIndex();
            var value = ReadIndex();
            // Out of order or empty: not the same, and the full read reports it.
            if (name <= previousName || value == _emptyIndex) return false;
            previousName = name;
            if (!ReferenceEquals(labels[i].Name, _strings[name]) || !ReferenceEquals(labels[i].Value, _strings[value])) return false;
        }
        return true;
    }

    private Labels ReadLabels()
    {
        var count = ReadCount(MinLabelPairBytes);
        if (count == 0) return Labels.Empty;
        var labels = new Label[count];
        var hash = new HashCode();
        var previousName = -1;
        for (var i = 0; i < labels.Length; i++)
        {
            var name = ReadIndex();
            var value = ReadIndex();
            if (name <= previousName) throw SnapshotCodec.Error($"label names out of order at body offset {_position}");
            if (value == _emptyIndex) throw SnapshotCodec.Error($"empty label value at body offset {_position}");
            previousName = name;
            labels[i] = new Label(_strings[name], _strings[value]);
            hash.Add(_hashes[name]);
            hash.Add(_hashes[value]);
        }
        return Labels.FromSortedUnchecked(labels, hash.ToHashCode());
    }

    private string ReadString() => _strings[ReadIndex()];

    private int ReadIndex()
    {
        var start = _position;
        var index = ReadVarint();
        if (index >= (ulong)_strings.Length) throw SnapshotCodec.Error($"string index {index} out of range ({_strings.Length} strings) at body offset {start}");
        return (int)index;
    }

    /// <summary>Reads a count or length and checks that that many items of at least <paramref name="minBytesEach"/> bytes can still follow.</summary>
    private int ReadCount(int minBytesEach)
    {
        var start = _position;
        var count = ReadVarint();
        if (count > (ulong)((_data.Length - _position) / minBytesEach))
            throw SnapshotCodec.Error($"length {count} at body offset {start} runs beyond the end of the snapshot");
        return (int)count;
    }

    private byte ReadByte()
    {
        if (_position >= _data.Length) throw Truncated();
        return _data[_position++];
    }

    private double ReadDouble()
    {
        if (_data.Length - _position < 8) throw Truncated();
        var bits = BinaryPrimitives.ReadUInt64LittleEndian(_data[_position..]);
        _position += 8;
        return BitConverter.UInt64BitsToDouble(bits);
    }

    private long ReadZigZag() => Varint.UnZigZag(ReadVarint());

    private ulong ReadVarint()
    {
        var start = _position;
        return Varint.TryRead(_data, ref _position, out var value) switch
        {
            Varint.ReadResult.Ok => value,
            Varint.ReadResult.Truncated => throw Truncated(),
            _ => throw SnapshotCodec.Error($"varint overflow at body offset {start}"),
        };
    }

    private readonly SnapshotFormatException Truncated() => SnapshotCodec.Error($"snapshot body is truncated at offset {_position}");
}
