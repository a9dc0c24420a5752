using System.Diagnostics;

namespace FedFunctions.LoadTest;

/// <summary>Latency measures /federate: one cold request, then a bounded number of timed warm ones.</summary>
internal static class Latency
{
    /// <summary>The times, the answer's size and its number of series (text format: lines that are not comments).</summary>
    public static async Task<(double Cold, double Median, long Bytes, long Series)> MeasureAsync(HttpClient http, string[] matches, int requests)
    {
        var url = "/federate?" + string.Join("&", matches.Select(m => "match[]=" + Uri.EscapeDataString(m)));
        var cold = await TimeAsync(http, url);
        var times = new List<double>();
        var (bytes, series) = (cold.Bytes, cold.Series);
        for (var i = 0; i < requests; i++)
        {
            var (seconds, length, count) = await TimeAsync(http, url);
            times.Add(seconds);
            (bytes, series) = (length, count);
        }
        return (cold.Seconds, times.Median(), bytes, series);
    }

    private static async Task<(double Seconds, long Bytes, long Series)> TimeAsync(HttpClient http, string url)
    {
        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync();
        var seconds = watch.Elapsed.TotalSeconds;
        long series = 0;
        for (var i = 0; i < body.Length; i++)
        {
            if ((i == 0 || body[i - 1] == (byte)'\n') && body[i] != (byte)'#' && body[i] != (byte)'\n') series++;
        }
        return (seconds, body.LongLength, series);
    }

    public static double Median(this IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
