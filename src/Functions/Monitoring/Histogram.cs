using System.Collections.Concurrent;
using System.Globalization;
using FedFunctions.Core.Model;

namespace FedFunctions.Functions.Monitoring;

/// <summary>Histogram is a classic Prometheus histogram (cumulative buckets, sum, count) per label value.</summary>
internal sealed class Histogram(string name, string help, double[] bounds, string? labelName = null)
{
    private sealed class Series(int buckets)
    {
        public readonly long[] Counts = new long[buckets];
        public double Sum;
        public long Count;
    }

    private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

    public static readonly double[] LatencyBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    public void Observe(double value, string labelValue = "")
    {
        var series = _series.GetOrAdd(labelValue, _ => new Series(bounds.Length));
        lock (series)
        {
            for (var i = 0; i < bounds.Length; i++)
            {
                if (value <= bounds[i]) series.Counts[i]++;
            }
            series.Sum += value;
            series.Count++;
        }
    }


    public MetricFamily Collect()
    {
        var samples = new List<Sample>();
        foreach (var (labelValue, series) in _series.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            lock (series)
            {
                for (var i = 0; i < bounds.Length; i++)
                {
                    samples.Add(new Sample(LabelsFor(name + "_bucket", labelValue, bounds[i].ToString("R", CultureInfo.InvariantCulture)), series.Counts[i], null));
                }
                samples.Add(new Sample(LabelsFor(name + "_bucket", labelValue, "+Inf"), series.Count, null));
                samples.Add(new Sample(LabelsFor(name + "_sum", labelValue, null), series.Sum, null));
                samples.Add(new Sample(LabelsFor(name + "_count", labelValue, null), series.Count, null));
            }
        }
        return new MetricFamily(name, MetricType.Histogram, help, "", samples);
    }

    private Labels LabelsFor(string sampleName, string labelValue, string? le)
    {
        var builder = new LabelsBuilder().Set(Label.MetricName, sampleName);
        if (labelName is not null) builder.Set(labelName, labelValue);
        if (le is not null) builder.Set("le", le);
        return builder.Build();
    }
}
