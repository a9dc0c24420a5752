using System.Diagnostics.Metrics;

namespace FedFunctions.Functions.Monitoring;

/// <summary>
/// Counter is a <see cref="Counter{T}"/> with at most two labels (tags), named as on <c>/metrics</c>: what
/// <see cref="MeterCollector"/> renders there and what OpenTelemetry exports. Label values must come from a
/// small fixed set (outcomes, status codes), never from targets or series.
/// </summary>
internal sealed class Counter
{
    private readonly Counter<double> _instrument;
    private readonly string? _labelName;
    private readonly string? _secondLabelName;

    public Counter(Meter meter, string name, string help, string? labelName = null, string? secondLabelName = null)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _instrument = meter.CreateCounter<double>(name, unit: null, description: help);
        _labelName = labelName;
        _secondLabelName = secondLabelName;
        Name = name;
        // A counter without labels is shown from the start, at 0, as Prometheus client libraries do.
        if (labelName is null) _instrument.Add(0);
    }

    public string Name { get; }

    public void Inc(string labelValue = "", double by = 1)
    {
        if (_labelName is null) _instrument.Add(by);
        else _instrument.Add(by, new KeyValuePair<string, object?>(_labelName, labelValue));
    }

    /// <summary>Inc adds <paramref name="by"/> to the series of a counter with two labels.</summary>
    public void Inc(string labelValue, string secondLabelValue, double by = 1) =>
        _instrument.Add(by, new KeyValuePair<string, object?>(_labelName!, labelValue), new KeyValuePair<string, object?>(_secondLabelName!, secondLabelValue));
}
