namespace FedFunctions.Core.Model;

/// <summary>
/// TargetSnapshot is the outcome of one scrape of one target: what fed-functions stores and federates.
/// Sample labels are final (target labels attached, relabeling applied) and every sample has a timestamp.
/// </summary>
public sealed class TargetSnapshot
{
    /// <summary>The target's own labels (<c>job</c>, <c>instance</c> and static labels).</summary>
    public required Labels TargetLabels { get; init; }

    /// <summary>When the scrape started, in ms since the epoch.</summary>
    public required long ScrapeTimestampMs { get; init; }

    /// <summary>Whether the scrape succeeded (<c>up</c> = 1).</summary>
    public required bool Up { get; init; }

    /// <summary>Why the scrape failed, or "" when it succeeded.</summary>
    public string Error { get; init; } = "";

    /// <summary>How long the scrape took.</summary>
    public double DurationSeconds { get; init; }

    /// <summary>TYPE/HELP/UNIT per family name, as scraped.</summary>
    public IReadOnlyList<MetricMetadata> Metadata { get; init; } = [];

    /// <summary>Every series of the scrape, including the synthetic <c>up</c> and <c>scrape_*</c> series.</summary>
    public IReadOnlyList<Sample> Samples { get; init; } = [];
}
