using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;
using FedFunctions.TestSupport;

namespace FedFunctions.Core.Tests.Snapshots;

/// <summary>Turns a shared fixture into a snapshot with the real parser, as one scrape would.</summary>
internal static class SnapshotsFixtureReader
{
    public static TargetSnapshot Read(string fixture, long scrapeTimestampMs = 1_700_000_000_000)
    {
        var document = ExpositionParser.Parse(RepoPaths.Fixture(fixture), ExpositionFormat.PrometheusText);
        return new TargetSnapshot
        {
            TargetLabels = Labels.Of("instance", "fixture:9100", "job", "fixture"),
            ScrapeTimestampMs = scrapeTimestampMs,
            Up = true,
            Metadata = document.Metadata,
            Samples = document.Samples.Select(s => s with { TimestampMs = s.TimestampMs ?? scrapeTimestampMs }).ToList(),
        };
    }
}
