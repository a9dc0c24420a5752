using FedFunctions.Core.Model;
using Google.Protobuf;
using ModelType = FedFunctions.Core.Model.MetricType;
using ProtoType = FedFunctions.Core.Exposition.Protobuf.MetricType;

namespace FedFunctions.Core.Exposition.Protobuf;

/// <summary>
/// ProtobufExpositionReader reads a delimited protobuf body (<c>io.prometheus.client.MetricFamily</c> messages)
/// into an <see cref="ExpositionDocumentBuilder"/>, yielding the series Prometheus' <c>protobufparse.go</c> yields:
/// counters, gauges and untyped as <c>name</c>; summaries as <c>_count</c>, <c>_sum</c> and <c>{quantile}</c>;
/// classic histograms as <c>_count</c>, <c>_sum</c> and <c>_bucket{le}</c> (with <c>+Inf</c> added when missing);
/// native histograms as one histogram sample when enabled. <c>le</c> and <c>quantile</c> are rendered as
/// <c>FormatOpenMetricsFloat</c> does; a zero timestamp means none; exemplars and created timestamps are dropped.
/// </summary>
internal sealed class ProtobufExpositionReader
{
    private readonly ExpositionDocumentBuilder _doc;
    private readonly ExpositionParseOptions _options;
    private string _family = "";

    private ProtobufExpositionReader(ExpositionDocumentBuilder doc, ExpositionParseOptions options)
    {
        _doc = doc;
        _options = options;
    }

    /// <summary>Reads every family of <paramref name="body"/>, or throws at the first malformed one.</summary>
    /// <exception cref="ExpositionParseException">The body is not valid delimited protobuf or holds an invalid family.</exception>
    public static unsafe void ReadAll(ReadOnlySpan<byte> body, ExpositionDocumentBuilder doc, ExpositionParseOptions options)
    {
        // Structure, wire types, lengths and UTF-8 first: Google.Protobuf is lenient where Prometheus is not.
        var count = ProtobufWireCheck.CheckBody(body);
        if (count == 0) return; // an empty body is a valid, empty exposition
        var reader = new ProtobufExpositionReader(doc, options);
        fixed (byte* start = body)
        {
            using var stream = new UnmanagedMemoryStream(start, body.Length);
            using var input = new CodedInputStream(stream, leaveOpen: true);
            for (var i = 0; i < count; i++)
            {
                var family = new MetricFamily();
                try
                {
                    // Google.Protobuf's own delimited framing: a varint length, then the message.
                    input.ReadMessage(family);
                }
                catch (InvalidProtocolBufferException ex)
                {
                    throw new ExpositionParseException($"protobuf: metric family {i + 1}: {ex.Message}", 0);
                }
                reader.Read(family);
            }
        }
    }

    private void Read(MetricFamily family)
    {
        var name = family.Name;
        if (name.Length == 0) throw Fail($"invalid metric name: {ExpositionReader.GoQuote(System.Text.Encoding.UTF8.GetBytes(name))}");
        if (family.Metric.Count == 0) return; // Prometheus skips empty families, metadata included.
        _family = name;
        var type = family.Type switch
        {
            ProtoType.Counter => ModelType.Counter,
            ProtoType.Gauge => ModelType.Gauge,
            ProtoType.Summary => ModelType.Summary,
            ProtoType.Histogram => ModelType.Histogram,
            ProtoType.GaugeHistogram => ModelType.GaugeHistogram,
            _ => ModelType.Unknown,
        };
        var familyName = _doc.GetString(System.Text.Encoding.UTF8.GetBytes(name));
        _doc.SetType(familyName, type);
        _doc.SetHelp(familyName, family.Help);
        if (family.Unit.Length > 0) _doc.SetUnit(familyName, family.Unit);

        foreach (var metric in family.Metric)
        {
            long? timestamp = metric.TimestampMs != 0 ? metric.TimestampMs : null;
            switch (family.Type)
            {
                case ProtoType.Counter:
                    AddSeries(metric, familyName, null, null, metric.Counter?.Value ?? 0, timestamp);
                    break;
                case ProtoType.Gauge:
                    AddSeries(metric, familyName, null, null, metric.Gauge?.Value ?? 0, timestamp);
                    break;
                case ProtoType.Untyped:
                    AddSeries(metric, familyName, null, null, metric.Untyped?.Value ?? 0, timestamp);
                    break;
                case ProtoType.Summary:
                    ReadSummary(metric, familyName, metric.Summary ?? new Summary(), timestamp);
                    break;
                default:
                    ReadHistogram(metric, familyName, metric.Histogram ?? new Histogram(), timestamp);
                    break;
            }
        }
    }

    private void ReadSummary(Metric metric, string name, Summary summary, long? timestamp)
    {
        AddSeries(metric, name + "_count", null, null, summary.SampleCount, timestamp);
        AddSeries(metric, name + "_sum", null, null, summary.SampleSum, timestamp);
        foreach (var quantile in summary.Quantile)
            AddSeries(metric, name, "quantile", GoFloat.FormatOpenMetrics(quantile.Quantile_), quantile.Value, timestamp);
    }

    private void ReadHistogram(Metric metric, string name, Histogram histogram, long? timestamp)
    {
        var native = IsNative(histogram);
        if (native && _options.ScrapeNativeHistograms)
        {
            var sample = ProtobufHistograms.ToNative(histogram);
            if (sample.Problem() is { } problem) throw Fail($"histogram {Quote(name)}: {problem}");
            AddSeries(metric, name, null, null, sample.Sum, timestamp, sample);
            // The classic series too when asked for and there are classic buckets.
            if (!(_options.AlwaysScrapeClassicHistograms && histogram.Bucket.Count > 0)) return;
        }

        var count = histogram.SampleCountFloat > 0 ? histogram.SampleCountFloat : histogram.SampleCount;
        AddSeries(metric, name + "_count", null, null, count, timestamp);
        AddSeries(metric, name + "_sum", null, null, histogram.SampleSum, timestamp);
        var sawInf = false;
        foreach (var bucket in histogram.Bucket)
        {
            var cumulative = bucket.CumulativeCountFloat > 0 ? bucket.CumulativeCountFloat : bucket.CumulativeCount;
            if (double.IsPositiveInfinity(bucket.UpperBound)) sawInf = true;
            AddSeries(metric, name + "_bucket", "le", GoFloat.FormatOpenMetrics(bucket.UpperBound), cumulative, timestamp);
        }
        // Prometheus adds the +Inf bucket a client left out (it equals the count).
        if (!sawInf) AddSeries(metric, name + "_bucket", "le", "+Inf", count, timestamp);
    }

    /// <summary>As Prometheus' <c>isNativeHistogram</c>: any span, a zero threshold, or an integer zero count.</summary>
    internal static bool IsNative(Histogram h) =>
        h.PositiveSpan.Count > 0 || h.NegativeSpan.Count > 0 || h.ZeroThreshold > 0 || h.ZeroCount > 0;

    private void AddSeries(Metric metric, string name, string? extraName, string? extraValue, double value, long? timestamp, NativeHistogram? histogram = null)
    {
        _doc.BeginSeries();
        foreach (var pair in metric.Label)
        {
            if (pair.Name.Length == 0) throw Fail($"invalid label name: {Quote(pair.Name)}");
            _doc.AddLabel(pair.Name, pair.Value);
        }
        if (extraName is not null) _doc.AddLabel(extraName, extraValue!);
        var duplicate = _doc.AddSample(name, value, timestamp, histogram);
        if (duplicate is not null) throw Fail($"duplicate label name {Quote(duplicate)} in a series of family {Quote(_family)}");
    }

    private static string Quote(string text) => ExpositionReader.GoQuote(System.Text.Encoding.UTF8.GetBytes(text));

    private static ExpositionParseException Fail(string message) => new($"protobuf: {message}", 0);
}
