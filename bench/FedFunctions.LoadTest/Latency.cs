using System.Diagnostics;

namespace FedFunctions.LoadTest;

/// <summary>Latency measures /federate: one cold request, then a bounded number of timed warm ones.</summary>
internal static class Latency
{
    public static async Task<(double Cold, double Median, long Bytes)> MeasureAsync(HttpClient http, string[] matches, int requests)
    {
        var url = "/federate?" + string.Join("&", matches.Select(m => "match[]=" + Uri.EscapeDataString(m)));
        var cold = await TimeAsync(http, url);
        var times = new List<double>();
        long bytes = 0;
        for (var i = 0; i < requests; i++)
        {
            var (seconds, length) = await TimeAsync(http, url);
            times.Add(seconds);
            bytes = length;
        }
        return (cold.Seconds, times.Median(), bytes);
    }

    private static async Task<(double Seconds, long Bytes)> TimeAsync(HttpClient http, string url)
    {
        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync();
        return (watch.Elapsed.TotalSeconds, body.LongLength);
    }

    public static double Median(this IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
