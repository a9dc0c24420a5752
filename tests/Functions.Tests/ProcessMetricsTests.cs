using System.Globalization;

namespace FedFunctions.Functions.Tests;

/// <summary>/metrics carries the process and runtime series Prometheus client libraries expose.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ProcessMetricsTests(EndToEndFixture fixture)
{
    [Fact]
    public async Task MetricsShowTheProcessCpuMemoryAndCollections()
    {
        var before = ExpositionText.Samples(await fixture.App.Http.GetStringAsync("/metrics"));
        // Work that allocates and collects in this process (the app runs in it).
        for (var i = 0; i < 3; i++) GC.Collect();
        var after = ExpositionText.Samples(await fixture.App.Http.GetStringAsync("/metrics"));

        double Value(Dictionary<string, string> samples, string series) =>
            double.Parse(Assert.Contains(series, samples), CultureInfo.InvariantCulture);
        Assert.InRange(Value(after, "process_cpu_seconds_total"), 0.001, 1e6);
        Assert.True(Value(after, "process_cpu_seconds_total") >= Value(before, "process_cpu_seconds_total"));
        Assert.InRange(Value(after, "process_resident_memory_bytes"), 1 << 20, 1L << 40);
        Assert.InRange(Value(after, "dotnet_total_memory_bytes"), 1, 1L << 40);
        Assert.InRange(Value(after, "process_start_time_seconds"), DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.True(Value(after, "dotnet_gc_pause_seconds_total") >= 0);
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            var series = $"dotnet_collection_count_total{{generation=\"{generation}\"}}";
            Assert.True(Value(after, series) >= Value(before, series) + 3, $"{series}: three collections of every generation were not counted");
        }
    }
}
