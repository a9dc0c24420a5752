using System.Diagnostics.Metrics;

namespace FedFunctions.Functions.Monitoring;

/// <summary>
/// Histogram is a <see cref="Histogram{T}"/> in seconds with at most one label, whose bucket bounds are given
/// as advice, so <c>/metrics</c> (<see cref="MeterCollector"/>) and OpenTelemetry use the same buckets.
/// </summary>
internal sealed class Histogram(Meter meter, string name, string help, double[] bounds, string? labelName = null)
{
    private readonly Histogram<double> _instrument = meter.CreateHistogram(name, unit: "s", description: help,
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = bounds });

    public static readonly double[] LatencyBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    public void Observe(double value, string labelValue = "")
    {
        if (labelName is null) _instrument.Record(value);
        else _instrument.Record(value, new KeyValuePair<string, object?>(labelName, labelValue));
    }
}
