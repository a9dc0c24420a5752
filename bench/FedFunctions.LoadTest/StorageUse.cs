using System.Globalization;

namespace FedFunctions.LoadTest;

/// <summary>
/// StorageUse is what the app's processes asked of storage over one scrape run: requests by service and operation,
/// and request/response body bytes by service, from the deltas of their counters.
/// </summary>
internal sealed record StorageUse(
    SortedDictionary<string, SortedDictionary<string, double>> Operations,
    SortedDictionary<string, double> BytesWritten,
    SortedDictionary<string, double> BytesRead)
{
    /// <summary>
    /// From reads every <c>fedfunctions_storage_operations_total</c> series by its <c>service</c> and <c>operation</c>
    /// labels, and adds <c>fedfunctions_queue_operations_total</c> (by <c>operation</c>) as service <c>queue</c> where
    /// the app still counts queue requests apart.
    /// </summary>
    public static StorageUse From(AppCounters delta)
    {
        var operations = new SortedDictionary<string, SortedDictionary<string, double>>(StringComparer.Ordinal);
        foreach (var (labels, value) in delta.Series(AppCounters.StorageOperations))
            Add(labels.GetValueOrDefault("service") ?? "?", labels.GetValueOrDefault("operation") ?? "?", value);
        foreach (var (labels, value) in delta.Series(AppCounters.QueueOperations))
            Add("queue", labels.GetValueOrDefault("operation") ?? "?", value);
        return new StorageUse(operations, ByService(AppCounters.BytesWritten), ByService(AppCounters.BytesRead));

        void Add(string service, string operation, double value)
        {
            if (value == 0) return;
            if (!operations.TryGetValue(service, out var ops)) operations[service] = ops = new(StringComparer.Ordinal);
            ops[operation] = ops.GetValueOrDefault(operation) + value;
        }

        SortedDictionary<string, double> ByService(string name)
        {
            var bytes = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (var (labels, value) in delta.Series(name))
            {
                var service = labels.GetValueOrDefault("service") ?? "?";
                if (value != 0) bytes[service] = bytes.GetValueOrDefault(service) + value;
            }
            return bytes;
        }
    }

    /// <summary>Mean is the per-run average of <paramref name="runs"/>, key by key.</summary>
    public static StorageUse Mean(IReadOnlyList<StorageUse> runs)
    {
        var operations = new SortedDictionary<string, SortedDictionary<string, double>>(StringComparer.Ordinal);
        foreach (var service in runs.SelectMany(r => r.Operations.Keys).Distinct())
        {
            operations[service] = new(runs.SelectMany(r => r.Operations.GetValueOrDefault(service) ?? [])
                .GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value) / runs.Count), StringComparer.Ordinal);
        }
        return new StorageUse(operations, MeanOf(r => r.BytesWritten), MeanOf(r => r.BytesRead));

        SortedDictionary<string, double> MeanOf(Func<StorageUse, SortedDictionary<string, double>> pick) =>
            new(runs.SelectMany(pick).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value) / runs.Count), StringComparer.Ordinal);
    }

    public IEnumerable<string> Services => Operations.Keys.Union(BytesWritten.Keys).Union(BytesRead.Keys).Distinct().Order(StringComparer.Ordinal);

    /// <summary>OperationsText is e.g. <c>203 (query 1, upsert 202)</c> for one service.</summary>
    public string OperationsText(string service)
    {
        if (!Operations.TryGetValue(service, out var ops) || ops.Count == 0) return "0";
        return $"{N(ops.Values.Sum())} ({string.Join(", ", ops.Select(kv => $"{kv.Key} {N(kv.Value)}"))})";
    }

    /// <summary>Summary is one line for the per-run log: every service's requests and bytes.</summary>
    public string Summary() => string.Join("; ", Services.Select(s =>
        $"{s}: {OperationsText(s)}, {N(BytesWritten.GetValueOrDefault(s))} B written, {N(BytesRead.GetValueOrDefault(s))} B read"));

    public static string N(double value) =>
        value == Math.Floor(value) ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("N1", CultureInfo.InvariantCulture);
}
