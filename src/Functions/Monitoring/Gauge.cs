using System.Diagnostics.Metrics;

namespace FedFunctions.Functions.Monitoring;

/// <summary>
/// Gauge is a <see cref="Gauge{T}"/> without labels, named as on <c>/metrics</c>: one value that goes up and down,
/// shown once it has been set (what <see cref="MeterCollector"/> renders and OpenTelemetry exports).
/// </summary>
internal sealed class Gauge
{
    private readonly Gauge<double> _instrument;

    public Gauge(Meter meter, string name, string help)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _instrument = meter.CreateGauge<double>(name, unit: null, description: help);
        Name = name;
    }

    public string Name { get; }

    public void Set(double value) => _instrument.Record(value);
}
