using FedFunctions.Core.Model;

namespace FedFunctions.Functions.Monitoring;

/// <summary>Gauge is one value that goes up and down, without labels; it is written only once it has been set.</summary>
internal sealed class Gauge(string name, string help)
{
    private double? _value;
    private readonly Lock _lock = new();

    public string Name => name;

    public void Set(double value)
    {
        lock (_lock) _value = value;
    }

    public MetricFamily Collect()
    {
        double? value;
        lock (_lock) value = _value;
        List<Sample> samples = value is { } v ? [new Sample(Labels.Of(Label.MetricName, name), v, null)] : [];
        return new MetricFamily(name, MetricType.Gauge, help, "", samples);
    }
}
