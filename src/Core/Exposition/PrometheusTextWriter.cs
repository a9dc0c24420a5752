using System.Buffers;
using System.Buffers.Text;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Exposition;

/// <summary>
/// PrometheusTextWriter renders metric families in the text exposition format 0.0.4, as Prometheus'
/// <c>/federate</c> does (<c>expfmt.MetricFamilyToText</c>), straight into UTF-8 buffers.
/// </summary>
/// <remarks>
/// Each sample line is the metric name (bare, or quoted inside the braces when it is not a legacy name),
/// the sample's own labels in name order, then every external label the sample does not have (in name
/// order), then <c>le</c> (histogram buckets) or <c>quantile</c> (summaries) last, then the value and
/// the timestamp in milliseconds when there is one.
/// </remarks>
public static partial class PrometheusTextWriter
{
    // Room for "} ", the value, " ", a long timestamp and "\n".
    private const int LineTailWorstCase = 2 + GoFloat.MaxLength + 1 + 20 + 1;

    /// <summary>
    /// WriteFamily writes one family: <c># HELP</c> only when <see cref="MetricFamily.Help"/> is not empty,
    /// then <c># TYPE</c>, then every sample line in the given order.
    /// </summary>
    /// <param name="output">Where the UTF-8 text goes.</param>
    /// <param name="family">The family to write.</param>
    /// <param name="externalLabels">Labels added to every sample that lacks a label of that name.</param>
    /// <param name="escaping">How metric and label names outside the legacy syntax are written
    /// (<see cref="NameEscapingScheme.AllowUtf8"/>: quoted, as they are).</param>
    /// <exception cref="ArgumentException">A sample has no <c>__name__</c> label.</exception>
    public static void WriteFamily(IBufferWriter<byte> output, MetricFamily family, ExternalLabels externalLabels,
        NameEscapingScheme escaping = NameEscapingScheme.AllowUtf8)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(externalLabels);
        WriteFamilyCore(output, family, externalLabels.For(escaping), escaping);
    }

    /// <summary>WriteFamilies writes each family in turn, as <see cref="WriteFamily"/> does, encoding the external labels once.</summary>
    /// <exception cref="ArgumentException">A sample has no <c>__name__</c> label.</exception>
    public static void WriteFamilies(IBufferWriter<byte> output, IEnumerable<MetricFamily> families, ExternalLabels externalLabels,
        NameEscapingScheme escaping = NameEscapingScheme.AllowUtf8)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(families);
        ArgumentNullException.ThrowIfNull(externalLabels);
        var external = externalLabels.For(escaping);
        foreach (var family in families)
        {
            ArgumentNullException.ThrowIfNull(family, nameof(families));
            WriteFamilyCore(output, family, external, escaping);
        }
    }

    private static void WriteFamilyCore(IBufferWriter<byte> output, MetricFamily family, ExternalLabels external, NameEscapingScheme escaping)
    {
        if (ClassicHistogramView.HasNative(family))
        {
            // Text has no native histograms: custom-bucket ones become classic series, others are left out.
            family = ClassicHistogramView.ForText(family);
            if (family.Samples.Count == 0) return;
        }
        WriteHeader(output, family, escaping);
        var extraLabel = family.Type switch
        {
            MetricType.Histogram or MetricType.GaugeHistogram => "le",
            MetricType.Summary => "quantile",
            _ => null,
        };
        var samples = family.Samples;
        for (var i = 0; i < samples.Count; i++) WriteSample(output, family, samples[i], extraLabel, external, escaping);
    }

    private static void WriteHeader(IBufferWriter<byte> output, MetricFamily family, NameEscapingScheme escaping)
    {
        var name = NameEscaping.Escape(family.Name, escaping);
        var typeName = TypeName(family.Type);
        var worst = 8 + NameWorstCase(name) + 1 + 3 * family.Help.Length + 1
                  + 8 + NameWorstCase(name) + 1 + typeName.Length + 1;
        var span = output.GetSpan(worst);
        var n = 0;
        if (family.Help.Length > 0)
        {
            "# HELP "u8.CopyTo(span);
            n = 7;
            n += WriteMetricName(name, span[n..]);
            span[n++] = (byte)' ';
            n += TextEscaping.WriteEscaped(family.Help, span[n..], TextEscaping.HelpSpecials);
            span[n++] = (byte)'\n';
        }
        "# TYPE "u8.CopyTo(span[n..]);
        n += 7;
        n += WriteMetricName(name, span[n..]);
        span[n++] = (byte)' ';
        typeName.CopyTo(span[n..]);
        n += typeName.Length;
        span[n++] = (byte)'\n';
        output.Advance(n);
    }

    /// <summary>
    /// The 0.0.4 TYPE word; OpenMetrics-only types map to their nearest 0.0.4 type. A gauge histogram's
    /// series are <c>_gsum</c>/<c>_gcount</c>, which a 0.0.4 <c>histogram</c> cannot have, so it is untyped.
    /// </summary>
    private static ReadOnlySpan<byte> TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter"u8,
        MetricType.Gauge => "gauge"u8,
        MetricType.Histogram => "histogram"u8,
        MetricType.Summary => "summary"u8,
        MetricType.Info or MetricType.StateSet => "gauge"u8,
        _ => "untyped"u8,
    };

    private static void WriteSample(IBufferWriter<byte> output, MetricFamily family, in Sample sample, string? extraLabel, ExternalLabels external,
        NameEscapingScheme escaping)
    {
        var labels = sample.Labels.AsSpan();
        string? name = null;
        var worst = LineTailWorstCase + external.TotalLength;
        // An escaped name takes at most 6 bytes per UTF-16 char plus "U__" (values: "_ffff_"); quoted, 3 per char.
        var nameFactor = escaping == NameEscapingScheme.AllowUtf8 ? 3 : 6;
        for (var i = 0; i < labels.Length; i++)
        {
            ref readonly var label = ref labels[i];
            if (label.Name == Label.MetricName) name = label.Value;
            worst += 9 + nameFactor * label.Name.Length + nameFactor * label.Value.Length;
        }
        if (name is null) ThrowNameless(family.Name);

        // Buckets carry le, summary quantiles carry quantile: both are moved to the end of the label list.
        if (extraLabel is not null && family.Type != MetricType.Summary && !name.EndsWith("_bucket", StringComparison.Ordinal))
        {
            extraLabel = null;
        }

        var span = output.GetSpan(worst);
        var n = 0;
        var open = false;
        // Legacy names (nearly all) are written as they are under every escaping: checked first, nothing copied.
        if (LegacyNames.IsMetricName(name))
        {
            n = TextEscaping.WriteAscii(name, span);
        }
        else if (NameEscaping.Escape(name, escaping) is var escaped && LegacyNames.IsMetricName(escaped))
        {
            n = TextEscaping.WriteAscii(escaped, span);
        }
        else
        {
            span[0] = (byte)'{';
            n = 1 + WriteQuoted(escaped, span[1..]);
            open = true;
        }

        var extraIndex = -1;
        var externalNames = external.Names;
        var presence = external.Track();
        for (var i = 0; i < labels.Length; i++)
        {
            ref readonly var label = ref labels[i];
            var labelName = label.Name;
            presence.See(labelName);
            if (labelName == Label.MetricName) continue;
            if (extraLabel is not null && labelName == extraLabel)
            {
                extraIndex = i;
                continue;
            }
            span[n++] = open ? (byte)',' : (byte)'{';
            open = true;
            n += WriteLabelPair(label, span[n..], escaping);
        }
        for (var e = 0; e < externalNames.Length; e++)
        {
            if (presence.Has(e)) continue;
            span[n++] = open ? (byte)',' : (byte)'{';
            open = true;
            var pair = external.Pairs[e];
            pair.CopyTo(span[n..]);
            n += pair.Length;
        }
        if (extraIndex >= 0)
        {
            span[n++] = open ? (byte)',' : (byte)'{';
            open = true;
            n += WriteLabelPair(labels[extraIndex], span[n..], escaping);
        }
        if (open) span[n++] = (byte)'}';

        span[n++] = (byte)' ';
        n += GoFloat.Format(sample.Value, span[n..]);
        if (sample.TimestampMs is { } timestamp)
        {
            span[n++] = (byte)' ';
            Utf8Formatter.TryFormat(timestamp, span[n..], out var written);
            n += written;
        }
        span[n++] = (byte)'\n';
        output.Advance(n);
    }

    /// <summary>
    /// Writes <c>name="value"</c> with the name escaped under <paramref name="escaping"/>, the value escaped,
    /// and the name quoted when it is (still) not legacy-valid.
    /// </summary>
    internal static int WriteLabelPair(in Label label, Span<byte> span, NameEscapingScheme escaping)
    {
        int n;
        // A legacy label name is never escaped: checked first, so the common case costs one scan.
        if (LegacyNames.IsLabelName(label.Name))
        {
            n = TextEscaping.WriteAscii(label.Name, span);
        }
        else
        {
            var name = NameEscaping.Escape(label.Name, escaping);
            n = LegacyNames.IsLabelName(name) ? TextEscaping.WriteAscii(name, span) : WriteQuoted(name, span);
        }
        span[n++] = (byte)'=';
        n += WriteQuoted(label.Value, span[n..]);
        return n;
    }

    private static int WriteQuoted(string text, Span<byte> span)
    {
        span[0] = (byte)'"';
        var n = 1 + TextEscaping.WriteEscaped(text, span[1..], TextEscaping.LabelValueSpecials);
        span[n++] = (byte)'"';
        return n;
    }

    private static int WriteMetricName(string name, Span<byte> span) =>
        LegacyNames.IsMetricName(name) ? TextEscaping.WriteAscii(name, span) : WriteQuoted(name, span);

    private static int NameWorstCase(string name) => 3 * name.Length + 2;

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNameless(string family) =>
        throw new ArgumentException($"a sample of family \"{family}\" has no __name__ label");
}
