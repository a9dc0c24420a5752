using System.Text;
using FedFunctions.Core.Binary;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Snapshots;

/// <summary>
/// SnapshotBodyWriter writes the uncompressed body: string table, target labels, scrape outcome,
/// metadata and samples (see <see cref="SnapshotCodec"/>).
/// </summary>
internal static class SnapshotBodyWriter
{
    // Strict: a lone surrogate would not survive the UTF-8 round trip, so refuse it instead of altering it.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static PooledByteBuffer Write(TargetSnapshot snapshot)
    {
        var table = BuildStringTable(snapshot, out var strings);
        var buffer = new PooledByteBuffer(64 + 24 * snapshot.Samples.Count);
        try
        {
            buffer.WriteVarint((ulong)strings.Length);
            foreach (var s in strings)
            {
                var byteCount = StrictUtf8.GetByteCount(s);
                buffer.WriteVarint((ulong)byteCount);
                buffer.Advance(StrictUtf8.GetBytes(s, buffer.GetSpan(byteCount)));
            }

            WriteLabels(buffer, table, snapshot.TargetLabels);
            buffer.WriteZigZag(snapshot.ScrapeTimestampMs);
            buffer.WriteByte(snapshot.Up ? (byte)1 : (byte)0);
            buffer.WriteVarint((ulong)table[snapshot.Error]);
            buffer.WriteDouble(snapshot.DurationSeconds);

            var metadata = snapshot.Metadata;
            buffer.WriteVarint((ulong)metadata.Count);
            for (var i = 0; i < metadata.Count; i++)
            {
                var m = metadata[i];
                buffer.WriteVarint((ulong)table[m.Name]);
                buffer.WriteByte((byte)m.Type);
                buffer.WriteVarint((ulong)table[m.Help]);
                buffer.WriteVarint((ulong)table[m.Unit]);
            }

            var samples = snapshot.Samples;
            buffer.WriteVarint((ulong)samples.Count);
            for (var i = 0; i < samples.Count; i++)
            {
                var sample = samples[i];
                WriteLabels(buffer, table, sample.Labels);
                buffer.WriteDouble(sample.Value);
                var flags = (sample.TimestampMs is null ? 0 : TimestampFlag) | (sample.Histogram is null ? 0 : HistogramFlag);
                buffer.WriteByte((byte)flags);
                // Wrapping subtraction: the reader's wrapping addition restores any pair of longs.
                if (sample.TimestampMs is { } timestamp) buffer.WriteZigZag(unchecked(timestamp - snapshot.ScrapeTimestampMs));
                if (sample.Histogram is { } histogram) WriteHistogram(buffer, histogram);
            }
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>Sample flag bits (version 2): a timestamp delta follows, a native histogram follows.</summary>
    internal const int TimestampFlag = 1, HistogramFlag = 2;

    private static void WriteHistogram(PooledByteBuffer buffer, NativeHistogram h)
    {
        buffer.WriteZigZag(h.Schema);
        buffer.WriteByte(h.IsFloat ? (byte)1 : (byte)0);
        buffer.WriteDouble(h.Sum);
        buffer.WriteDouble(h.ZeroThreshold);
        if (h.IsFloat)
        {
            buffer.WriteDouble(h.CountFloat);
            buffer.WriteDouble(h.ZeroCountFloat);
        }
        else
        {
            buffer.WriteVarint(h.Count);
            buffer.WriteVarint(h.ZeroCount);
        }
        WriteSide(buffer, h.PositiveSpans, h.IsFloat, h.PositiveDeltas, h.PositiveCounts);
        WriteSide(buffer, h.NegativeSpans, h.IsFloat, h.NegativeDeltas, h.NegativeCounts);
        WriteDoubles(buffer, h.CustomValues);
    }

    private static void WriteSide(PooledByteBuffer buffer, IReadOnlyList<BucketSpan> spans, bool isFloat, IReadOnlyList<long> deltas, IReadOnlyList<double> counts)
    {
        buffer.WriteVarint((ulong)spans.Count);
        foreach (var span in spans)
        {
            buffer.WriteZigZag(span.Offset);
            buffer.WriteVarint(span.Length);
        }
        if (isFloat)
        {
            WriteDoubles(buffer, counts);
            return;
        }
        buffer.WriteVarint((ulong)deltas.Count);
        foreach (var delta in deltas) buffer.WriteZigZag(delta);
    }

    private static void WriteDoubles(PooledByteBuffer buffer, IReadOnlyList<double> values)
    {
        buffer.WriteVarint((ulong)values.Count);
        foreach (var value in values) buffer.WriteDouble(value);
    }

    private static void WriteLabels(PooledByteBuffer buffer, Dictionary<string, int> table, Labels labels)
    {
        var span = labels.AsSpan();
        buffer.WriteVarint((ulong)span.Length);
        foreach (var label in span)
        {
            buffer.WriteVarint((ulong)table[label.Name]);
            buffer.WriteVarint((ulong)table[label.Value]);
        }
    }

    /// <summary>Collects every distinct string and numbers them in ordinal order, so sorted label names have increasing indexes.</summary>
    private static Dictionary<string, int> BuildStringTable(TargetSnapshot snapshot, out string[] strings)
    {
        var table = new Dictionary<string, int>(StringComparer.Ordinal);
        AddLabels(table, snapshot.TargetLabels);
        table.TryAdd(snapshot.Error ?? throw new ArgumentException("snapshot Error must not be null", nameof(snapshot)), 0);
        foreach (var m in snapshot.Metadata)
        {
            table.TryAdd(m.Name, 0);
            table.TryAdd(m.Help, 0);
            table.TryAdd(m.Unit, 0);
        }
        var samples = snapshot.Samples;
        for (var i = 0; i < samples.Count; i++) AddLabels(table, samples[i].Labels);

        strings = new string[table.Count];
        table.Keys.CopyTo(strings, 0);
        Array.Sort(strings, StringComparer.Ordinal);
        for (var i = 0; i < strings.Length; i++) table[strings[i]] = i;
        return table;
    }

    private static void AddLabels(Dictionary<string, int> table, Labels labels)
    {
        foreach (var label in labels.AsSpan())
        {
            if (label.Value.Length == 0)
                throw new ArgumentException($"label \"{label.Name}\" has an empty value; snapshots store only set labels");
            table.TryAdd(label.Name, 0);
            table.TryAdd(label.Value, 0);
        }
    }
}
