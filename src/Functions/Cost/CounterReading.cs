using FedFunctions.Core.Model;
using FedFunctions.Functions.Monitoring;

namespace FedFunctions.Functions.Cost;

/// <summary>
/// CounterReading is the value of every counter series of the app's metrics at one moment, exactly as
/// <c>/metrics</c> shows them; the difference of two readings is what happened in between. The cost model reads
/// only these counters, so it prices what the code counted, not what a formula beside the code expects.
/// </summary>
internal sealed class CounterReading
{
    /// <summary>StorageOperations is <c>fedfunctions_storage_operations_total{service,operation}</c>: table, blob and queue requests.</summary>
    public const string StorageOperations = AppMetrics.StorageOperationsName;

    /// <summary>StorageBytesWritten is <c>fedfunctions_storage_bytes_written_total{service}</c>.</summary>
    public const string StorageBytesWritten = "fedfunctions_storage_bytes_written_total";

    /// <summary>ShardMessages is <c>fedfunctions_shard_messages_total{outcome}</c>: each handled shard message is one execution.</summary>
    public const string ShardMessages = "fedfunctions_shard_messages_total";

    /// <summary>Cycles is <c>fedfunctions_scrape_cycles_total{outcome}</c>: one timer execution each.</summary>
    public const string Cycles = "fedfunctions_scrape_cycles_total";

    /// <summary>FederateRequests is <c>fedfunctions_federate_requests_total{code}</c>: one HTTP execution each.</summary>
    public const string FederateRequests = "fedfunctions_federate_requests_total";

    private readonly Dictionary<(string Name, Labels Labels), double> _values;

    private CounterReading(Dictionary<(string, Labels), double> values) => _values = values;

    /// <summary>Take reads every counter of <paramref name="metrics"/> now.</summary>
    public static CounterReading Take(AppMetrics metrics)
    {
        var values = new Dictionary<(string, Labels), double>();
        foreach (var family in metrics.Collect())
        {
            if (family.Type != MetricType.Counter) continue;
            foreach (var sample in family.Samples) values[(family.Name, sample.Labels)] = sample.Value;
        }
        return new CounterReading(values);
    }

    /// <summary>
    /// Since is what each series of counter <paramref name="name"/> grew by after <paramref name="earlier"/>, keyed by
    /// the values of <paramref name="labels"/> joined with "/" (e.g. "table/update"); series that did not grow are left out.
    /// </summary>
    public Dictionary<string, double> Since(CounterReading earlier, string name, params string[] labels)
    {
        var grown = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var ((family, series), value) in _values)
        {
            if (family != name) continue;
            var delta = value - earlier._values.GetValueOrDefault((family, series));
            if (delta == 0) continue;
            var key = string.Join('/', labels.Select(series.Get));
            grown[key] = grown.GetValueOrDefault(key) + delta;
        }
        return grown;
    }

    /// <summary>Total is what all series of counter <paramref name="name"/> together grew by after <paramref name="earlier"/>.</summary>
    public double Total(CounterReading earlier, string name) => Since(earlier, name).Values.Sum();
}
