using System.Collections.Concurrent;
using FedFunctions.Core.Model;

namespace FedFunctions.Functions.Monitoring;

/// <summary>Counter is a monotonically increasing value per label set (one label dimension is enough here).</summary>
internal sealed class Counter(string name, string help, string? labelName = null)
{
    private readonly ConcurrentDictionary<string, StrongBox<double>> _values = new(StringComparer.Ordinal);

    public string Name => name;

    public void Inc(string labelValue = "", double by = 1)
    {
        var box = _values.GetOrAdd(labelValue, static _ => new StrongBox<double>());
        lock (box) box.Value += by;
    }


    public MetricFamily Collect()
    {
        var samples = new List<Sample>();
        foreach (var (labelValue, box) in _values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var labels = labelName is null ? Labels.Of(Label.MetricName, name) : Labels.Of(Label.MetricName, name, labelName, labelValue);
            samples.Add(new Sample(labels, box.Value, null));
        }
        if (labelName is null && samples.Count == 0) samples.Add(new Sample(Labels.Of(Label.MetricName, name), 0, null));
        return new MetricFamily(name, MetricType.Counter, help, "", samples);
    }
}

/// <summary>A mutable box, so counters can be updated under a lock on the box itself.</summary>
internal sealed class StrongBox<T>
{
    public T Value = default!;
}
