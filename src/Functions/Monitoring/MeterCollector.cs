using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using FedFunctions.Core.Model;

namespace FedFunctions.Functions.Monitoring;

/// <summary>
/// MeterCollector listens to the instruments of one <see cref="Meter"/> (<see cref="MeterListener"/>) and keeps
/// what <c>/metrics</c> shows: counter totals, cumulative histogram buckets (bounds from the instrument's advice)
/// and gauge values, per tag set. It collects only from its own meter instance, so several apps in one process
/// (tests) do not mix. Thread-safe; <see cref="Collect"/> renders Prometheus families sorted by name.
/// </summary>
internal sealed class MeterCollector : IDisposable
{
    private readonly Meter _meter;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Aggregate> _aggregates = new();

    public MeterCollector(Meter meter)
    {
        _meter = meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter, _meter)) return;
            _aggregates.TryAdd(instrument, new Aggregate(instrument));
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>(OnMeasurement);
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => OnMeasurement(i, v, tags, null));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => OnMeasurement(i, v, tags, null));
        _listener.Start();
    }

    private void OnMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (_aggregates.TryGetValue(instrument, out var aggregate)) aggregate.Record(value, tags);
    }

    /// <summary>The families of every instrument, sorted by name; instruments with labels and no measurement yet are left out.</summary>
    public List<MetricFamily> Collect()
    {
        _listener.RecordObservableInstruments();
        var families = _aggregates.Values.Select(a => a.Collect()).Where(f => f.Samples.Count > 0).ToList();
        families.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return families;
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>Aggregate holds one instrument's series, keyed by their tag set.</summary>
    private sealed class Aggregate(Instrument instrument)
    {
        private readonly ConcurrentDictionary<Labels, Series> _series = new();
        private readonly double[] _bounds = instrument is Histogram<double> { Advice.HistogramBucketBoundaries: { } b } ? b.ToArray() : [];
        private readonly MetricType _type = instrument switch
        {
            Counter<double> or Counter<long> or ObservableCounter<double> or ObservableCounter<long> => MetricType.Counter,
            Histogram<double> => MetricType.Histogram,
            _ => MetricType.Gauge,
        };

        private sealed class Series(int buckets)
        {
            public readonly long[] Counts = new long[buckets];
            public double Value;
            public long Count;
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = LabelsOf(tags);
            var series = _series.GetOrAdd(labels, _ => new Series(_bounds.Length));
            lock (series)
            {
                switch (_type)
                {
                    case MetricType.Counter when instrument.IsObservable:
                    case MetricType.Gauge:
                        series.Value = value; // observed: the current value
                        break;
                    case MetricType.Counter:
                        series.Value += value;
                        break;
                    default:
                        for (var i = 0; i < _bounds.Length; i++)
                        {
                            if (value <= _bounds[i]) series.Counts[i]++;
                        }
                        series.Value += value;
                        series.Count++;
                        break;
                }
            }
        }

        private static Labels LabelsOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length == 0) return Labels.Empty;
            var builder = new LabelsBuilder();
            foreach (var tag in tags) builder.Set(tag.Key, Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "");
            return builder.Build();
        }

        public MetricFamily Collect()
        {
            var name = instrument.Name;
            var samples = new List<Sample>();
            foreach (var (labels, series) in _series.OrderBy(kv => kv.Key))
            {
                lock (series)
                {
                    if (_type != MetricType.Histogram)
                    {
                        samples.Add(new Sample(With(labels, name, null), series.Value, null));
                        continue;
                    }
                    for (var i = 0; i < _bounds.Length; i++)
                        samples.Add(new Sample(With(labels, name + "_bucket", _bounds[i].ToString("R", CultureInfo.InvariantCulture)), series.Counts[i], null));
                    samples.Add(new Sample(With(labels, name + "_bucket", "+Inf"), series.Count, null));
                    samples.Add(new Sample(With(labels, name + "_sum", null), series.Value, null));
                    samples.Add(new Sample(With(labels, name + "_count", null), series.Count, null));
                }
            }
            return new MetricFamily(name, _type, instrument.Description ?? "", "", samples);
        }

        private static Labels With(Labels labels, string sampleName, string? le)
        {
            var builder = new LabelsBuilder(labels).Set(Label.MetricName, sampleName);
            if (le is not null) builder.Set("le", le);
            return builder.Build();
        }
    }
}
