using System.Globalization;
using System.Text.RegularExpressions;

namespace FedFunctions.LoadTest;

/// <summary>
/// AppCounters is one reading of the app's <c>/metrics</c> (text 0.0.4): every sample by its series
/// (<c>name{labels}</c>), summed over the processes read, so a variant's deltas cover all its processes.
/// </summary>
internal sealed partial class AppCounters
{
    public const string StorageOperations = "fedfunctions_storage_operations_total";
    public const string QueueOperations = "fedfunctions_queue_operations_total";
    public const string BytesWritten = "fedfunctions_storage_bytes_written_total";
    public const string BytesRead = "fedfunctions_storage_bytes_read_total";
    public const string ShardMessages = "fedfunctions_shard_messages_total";
    public const string TargetScrapes = "fedfunctions_target_scrapes_total";

    private readonly Dictionary<string, double> _values;

    private AppCounters(Dictionary<string, double> values) => _values = values;

    /// <summary>ReadAsync reads and sums <c>/metrics</c> of every client in <paramref name="processes"/>.</summary>
    public static async Task<AppCounters> ReadAsync(IEnumerable<HttpClient> processes)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var http in processes)
        {
            var text = await http.GetStringAsync("/metrics");
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0 || line[0] == '#') continue;
                var end = line.IndexOf('}', StringComparison.Ordinal);
                var split = end >= 0 ? end + 1 : line.IndexOf(' ', StringComparison.Ordinal);
                if (split <= 0 || split >= line.Length) continue;
                var value = line[(split + 1)..].Trim().Split(' ')[0];
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) continue;
                var key = line[..split];
                values[key] = values.GetValueOrDefault(key) + v;
            }
        }
        return new AppCounters(values);
    }

    /// <summary>Value sums every series of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public double Value(string name, params (string Name, string Value)[] labels) =>
        Series(name).Where(s => labels.All(l => s.Labels.GetValueOrDefault(l.Name) == l.Value)).Sum(s => s.Value);

    /// <summary>Series lists the samples of counter <paramref name="name"/> with their labels.</summary>
    public IEnumerable<(Dictionary<string, string> Labels, double Value)> Series(string name)
    {
        foreach (var (key, value) in _values)
        {
            if (key == name) yield return ([], value);
            else if (key.StartsWith(name + "{", StringComparison.Ordinal))
                yield return (LabelPattern().Matches(key[name.Length..]).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value), value);
        }
    }

    /// <summary>Minus gives <c>this - before</c> for every series (a series new since then counts from 0).</summary>
    public AppCounters Minus(AppCounters before) =>
        new(_values.ToDictionary(kv => kv.Key, kv => kv.Value - before._values.GetValueOrDefault(kv.Key), StringComparer.Ordinal));

    [GeneratedRegex(@"(\w+)=""((?:[^""\\]|\\.)*)""", RegexOptions.CultureInvariant)]
    private static partial Regex LabelPattern();
}
