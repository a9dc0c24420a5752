using System.Buffers;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Exposition;

/// <summary>
/// PrometheusProtobufWriter renders metric families as length-delimited <c>io.prometheus.client.MetricFamily</c>
/// protobuf messages (a uvarint length, then the message), the format Prometheus' <c>/federate</c> answers
/// when a scraper asks for <c>application/vnd.google.protobuf; encoding=delimited</c>.
/// </summary>
/// <remarks>
/// Counters, gauges (with info and state sets) and untyped families keep their type and help. Histograms
/// and summaries become one <c>Metric</c> per label set, built from the client-style series. Whatever a
/// message cannot say exactly (a histogram without its <c>_count</c>, series with differing timestamps, a
/// gauge histogram, a series named unlike its family) is written as untyped families named after each
/// series, so the receiver stores exactly the series the text format would have given it.
/// Every metric carries the sample's own labels (without <c>__name__</c>, and without <c>le</c>/<c>quantile</c>
/// inside histograms and summaries), then each external label the sample lacks, then its timestamp.
/// </remarks>
public static partial class PrometheusProtobufWriter
{
    // Field tags: (field number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited).
    private const byte FamilyName = 0x0A, FamilyHelp = 0x12, FamilyType = 0x18, FamilyMetric = 0x22;
    private const byte MetricLabel = 0x0A, MetricGauge = 0x12, MetricCounter = 0x1A, MetricSummary = 0x22,
        MetricUntyped = 0x2A, MetricTimestamp = 0x30, MetricHistogram = 0x3A;
    private const byte PairName = 0x0A, PairValue = 0x12;
    private const byte ValueField = 0x09;

    // client_model's MetricType enum.
    private const ulong TypeCounter = 0, TypeGauge = 1, TypeSummary = 2, TypeUntyped = 3, TypeHistogram = 4, TypeGaugeHistogram = 5;

    /// <summary>
    /// WriteFamily writes <paramref name="family"/> as one delimited MetricFamily message, or, for the
    /// series a message cannot express, as untyped families named after those series.
    /// </summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="family">The family to write.</param>
    /// <param name="externalLabels">Labels added to every metric that lacks a label of that name.</param>
    /// <param name="escaping">How metric and label names outside the legacy syntax are written
    /// (<see cref="NameEscapingScheme.AllowUtf8"/>: as they are).</param>
    /// <exception cref="ArgumentException">A sample has no <c>__name__</c> label.</exception>
    public static void WriteFamily(IBufferWriter<byte> output, MetricFamily family, ExternalLabels externalLabels,
        NameEscapingScheme escaping = NameEscapingScheme.AllowUtf8)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(externalLabels);
        var buffer = ProtoBuffer.Rent(escaping);
        try
        {
            var fallback = family.Type switch
            {
                MetricType.Histogram or MetricType.Summary => WriteGrouped(output, buffer, family, externalLabels),
                MetricType.GaugeHistogram => WriteNativeOnly(output, buffer, family, externalLabels),
                _ => WriteSimple(output, buffer, family, externalLabels),
            };
            if (fallback is { Count: > 0 }) WriteUntypedByName(output, buffer, family.Name, fallback, externalLabels);
        }
        finally
        {
            ProtoBuffer.Return(buffer);
        }
    }

    /// <summary>Gauge histograms: native histogram samples in one GAUGE_HISTOGRAM message; the classic series are returned.</summary>
    private static List<Sample>? WriteNativeOnly(IBufferWriter<byte> output, ProtoBuffer buffer, MetricFamily family, ExternalLabels external)
    {
        List<Sample>? others = null;
        var written = 0;
        WriteHeader(buffer, family.Name, family.Help, TypeGaugeHistogram);
        foreach (var sample in family.Samples)
        {
            if (sample.IsHistogram && NameOf(sample, family.Name) == family.Name)
            {
                WriteNativeMetric(buffer, sample, external);
                written++;
            }
            else
            {
                (others ??= []).Add(sample);
            }
        }
        if (written > 0) buffer.CopyDelimitedTo(output);
        return others;
    }

    /// <summary>Counters, gauges and untyped: one metric per sample named like the family; others are returned.</summary>
    private static List<Sample>? WriteSimple(IBufferWriter<byte> output, ProtoBuffer buffer, MetricFamily family, ExternalLabels external)
    {
        var (type, field) = family.Type switch
        {
            MetricType.Counter => (TypeCounter, MetricCounter),
            MetricType.Gauge or MetricType.Info or MetricType.StateSet => (TypeGauge, MetricGauge),
            _ => (TypeUntyped, MetricUntyped),
        };
        List<Sample>? others = null;
        var written = 0;
        WriteHeader(buffer, family.Name, family.Help, type);
        var samples = family.Samples;
        for (var i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            var name = NameOf(sample, family.Name);
            if (name != family.Name || sample.IsHistogram)
            {
                (others ??= []).Add(sample);
                continue;
            }
            WriteValueMetric(buffer, sample, field, null, external);
            written++;
        }
        if (written > 0) buffer.CopyDelimitedTo(output);
        return others;
    }

    /// <summary>
    /// Writes the given samples as untyped families, one per distinct name in order of first appearance,
    /// each sample with all its labels (<c>le</c> and <c>quantile</c> included).
    /// </summary>
    private static void WriteUntypedByName(IBufferWriter<byte> output, ProtoBuffer buffer, string familyName, List<Sample> samples, ExternalLabels external)
    {
        var names = new List<(string Name, bool Native)>();
        for (var i = 0; i < samples.Count; i++)
        {
            var key = (NameOf(samples[i], familyName), samples[i].IsHistogram);
            if (!names.Contains(key)) names.Add(key);
        }
        foreach (var (name, native) in names)
        {
            buffer.Truncate(0);
            // A native histogram that fits no family message still goes as a histogram, never as a number.
            WriteHeader(buffer, name, "", native ? TypeHistogram : TypeUntyped);
            for (var i = 0; i < samples.Count; i++)
            {
                var sample = samples[i];
                if (sample.Labels.MetricName != name || sample.IsHistogram != native) continue;
                if (native) WriteNativeMetric(buffer, sample, external);
                else WriteValueMetric(buffer, sample, MetricUntyped, null, external);
            }
            buffer.CopyDelimitedTo(output);
        }
    }

    private static void WriteHeader(ProtoBuffer buffer, string name, string help, ulong type)
    {
        buffer.String(FamilyName, NameEscaping.Escape(name, buffer.Escaping));
        if (help.Length > 0) buffer.String(FamilyHelp, help);
        buffer.Byte(FamilyType);
        buffer.Varint(type);
    }

    /// <summary>A Metric holding one value in a Counter, Gauge or Untyped message.</summary>
    private static void WriteValueMetric(ProtoBuffer buffer, in Sample sample, byte field, string? skipLabel, ExternalLabels external)
    {
        var metric = buffer.BeginMessage(FamilyMetric);
        WriteLabels(buffer, sample.Labels, skipLabel, external);
        var value = buffer.BeginMessage(field);
        buffer.Double(ValueField, sample.Value);
        buffer.EndMessage(value);
        WriteTimestamp(buffer, sample.TimestampMs);
        buffer.EndMessage(metric);
    }

    private static void WriteTimestamp(ProtoBuffer buffer, long? timestampMs)
    {
        if (timestampMs is not { } timestamp) return;
        buffer.Byte(MetricTimestamp);
        // int64 is a plain varint: negative values take ten bytes, as in every protobuf encoder.
        buffer.Varint(unchecked((ulong)timestamp));
    }

    /// <summary>
    /// The sample's labels in name order without <c>__name__</c> and <paramref name="skipLabel"/>, then every
    /// external label the sample does not have, in name order (as Prometheus' federation does).
    /// </summary>
    private static void WriteLabels(ProtoBuffer buffer, Labels labels, string? skipLabel, ExternalLabels external)
    {
        var presence = external.Track();
        var span = labels.AsSpan();
        for (var i = 0; i < span.Length; i++)
        {
            ref readonly var label = ref span[i];
            presence.See(label.Name);
            if (label.Name == Label.MetricName || (skipLabel is not null && label.Name == skipLabel)) continue;
            WritePair(buffer, label.Name, label.Value);
        }
        var externalNames = external.Names;
        for (var e = 0; e < externalNames.Length; e++)
        {
            if (!presence.Has(e)) WritePair(buffer, externalNames[e], external.Labels[e].Value);
        }
    }

    private static void WritePair(ProtoBuffer buffer, string name, string value)
    {
        var pair = buffer.BeginMessage(MetricLabel);
        buffer.String(PairName, NameEscaping.Escape(name, buffer.Escaping));
        buffer.String(PairValue, value);
        buffer.EndMessage(pair);
    }

    private static string NameOf(in Sample sample, string familyName)
    {
        var name = sample.Labels.MetricName;
        if (name.Length == 0) ThrowNameless(familyName);
        return name;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNameless(string family) =>
        throw new ArgumentException($"a sample of family \"{family}\" has no __name__ label");
}
