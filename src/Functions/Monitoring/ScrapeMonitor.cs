using FedFunctions.Core.Ingestion;
using FedFunctions.Core.Model;

namespace FedFunctions.Functions.Monitoring;

/// <summary>ScrapeMonitor counts each target a scrape cycle scraped, by outcome, and how long the scrape took.</summary>
internal sealed class ScrapeMonitor(AppMetrics metrics) : IScrapeCycleObserver
{
    public void SnapshotScraped(TargetSnapshot snapshot)
    {
        metrics.Scrapes.Inc(snapshot.Up ? "success" : "failure");
        metrics.ScrapeDuration.Observe(snapshot.DurationSeconds);
    }
}
