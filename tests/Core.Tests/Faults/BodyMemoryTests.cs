using System.Text;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Scraping;
using FedFunctions.Core.Tests.Scraping;
using FedFunctions.TestSupport;
using Xunit.Abstractions;

namespace FedFunctions.Core.Tests.Faults;

/// <summary>BodyMemoryCollection runs the memory test apart, in parallel with the rest (its bound has room for their noise).</summary>
[CollectionDefinition(Name)]
public sealed class BodyMemoryCollection
{
    /// <summary>Name is the collection name used in <c>[Collection(BodyMemoryCollection.Name)]</c>.</summary>
    public const string Name = "BodyMemory";
}

/// <summary>Many targets answering far more than their body limit at once must not blow up the process' memory.</summary>
[Collection(BodyMemoryCollection.Name)]
public sealed class BodyMemoryTests(ITestOutputHelper output)
{
    private const int Targets = 32;
    private const long BodyBytes = 200L * 1000 * 1000;

    // Before bounded reads this grew by about 480 MiB (32 × pooled buffers doubling past the 16 MiB limit);
    // now by about 32 × 4 MiB. The bound leaves room for tests running in parallel in this process.
    private const double MaxGrowthMiB = 350;

    [Fact]
    public async Task ThirtyTwoOverLimitTargetsAtOnce_KeepResidentMemoryBounded()
    {
        await using var server = await TargetServer.StartAsync();
        server.Route("/huge", StreamGeneratedBodyAsync);
        var jobs = new StringBuilder("scrape_configs:\n");
        for (var i = 0; i < Targets; i++)
            jobs.Append($"  - job_name: huge{i}\n    scrape_timeout: 30s\n    scrape_interval: 1m\n    body_size_limit: 16MiB\n    metrics_path: /huge\n    static_configs:\n      - targets: ['{server.HostPort}']\n");
        var targets = FederationConfig.Parse(jobs.ToString()).Targets();
        using var client = Scraper.CreateHttpClient();
        var scraper = new Scraper(client, new ScraperOptions { MaxConcurrency = Targets });

        GC.Collect();
        var before = ProcessStats.ResidentMemoryMiB(Environment.ProcessId);
        ProcessStats.ResetPeakMemory();
        var snapshots = await scraper.ScrapeAllAsync(targets).WaitAsync(TimeSpan.FromMinutes(3));
        var peak = ProcessStats.PeakMemoryMiB(Environment.ProcessId);
        GC.Collect();
        output.WriteLine($"VmRSS before {before:0} MiB, VmHWM during {peak:0} MiB, VmRSS after GC {ProcessStats.ResidentMemoryMiB(Environment.ProcessId):0} MiB");

        Assert.Equal(Targets, snapshots.Count);
        Assert.All(snapshots, s =>
        {
            Assert.False(s.Up);
            Assert.Equal("body size limit exceeded (limit: 16777216 bytes)", s.Error);
        });
        Assert.True(server.MaxInFlight > 1, "the targets should have been read concurrently");
        Assert.True(peak - before < MaxGrowthMiB, $"resident memory grew from {before:0} MiB to a peak of {peak:0} MiB");
    }

    // Streams 200 MB of valid exposition lines without a Content-Length, until done or the scraper hangs up.
    private static async Task StreamGeneratedBodyAsync(Microsoft.AspNetCore.Http.HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/plain; version=0.0.4";
        var line = Encoding.ASCII.GetBytes("generated_metric{shard=\"0123456789abcdef\"} 1\n");
        var chunk = new byte[64 * 1024 / line.Length * line.Length];
        for (var at = 0; at < chunk.Length; at += line.Length) line.CopyTo(chunk, at);
        for (long sent = 0; sent < BodyBytes; sent += chunk.Length)
            await response.Body.WriteAsync(chunk, context.RequestAborted);
    }
}
