using System.Collections.Concurrent;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Scraping;

/// <summary>
/// SeriesTracker remembers, per target, the series of its last successful scrape so that
/// <c>scrape_series_added</c> can count the new ones. Targets are keyed by job name, URL and labels,
/// so a reloaded configuration keeps the history of unchanged targets.
/// </summary>
internal sealed class SeriesTracker
{
    private readonly ConcurrentDictionary<(string Job, string Url, Labels Labels), HashSet<Labels>> _previous = new();

    /// <summary>Records <paramref name="series"/> as the target's latest set and returns how many were not in the previous one.</summary>
    public int Update(ScrapeTarget target, HashSet<Labels> series)
    {
        var key = (target.Job.JobName, target.Url.AbsoluteUri, target.Labels);
        var added = series.Count;
        if (_previous.TryGetValue(key, out var previous))
        {
            added = 0;
            foreach (var labels in series)
            {
                if (!previous.Contains(labels)) added++;
            }
        }
        _previous[key] = series;
        return added;
    }
}
