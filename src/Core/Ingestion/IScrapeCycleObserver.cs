using FedFunctions.Core.Model;

namespace FedFunctions.Core.Ingestion;

/// <summary>
/// IScrapeCycleObserver hears about each target a <see cref="ScrapeCycle"/> scraped (for self-monitoring).
/// Passed once, to the cycle's constructor. Called concurrently from parallel scrapes; should not throw.
/// </summary>
public interface IScrapeCycleObserver
{
    /// <summary>SnapshotScraped is called with each scrape's result, up or not, before it is stored.</summary>
    void SnapshotScraped(TargetSnapshot snapshot);
}
