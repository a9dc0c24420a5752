using FedFunctions.Core.Model;

namespace FedFunctions.Core.Exposition;

/// <summary>ExpositionDocument is everything one parsed scrape body said: metadata and samples.</summary>
public sealed class ExpositionDocument
{
    /// <summary>The format the body was parsed as.</summary>
    public required ExpositionFormat Format { get; init; }

    /// <summary>TYPE/HELP/UNIT per family, in the order first seen.</summary>
    public required IReadOnlyList<MetricMetadata> Metadata { get; init; }

    /// <summary>The samples in body order; a series repeated in the body appears only once (the first).</summary>
    public required IReadOnlyList<Sample> Samples { get; init; }

    /// <summary>Series that appeared more than once in the body (reported, later copies dropped).</summary>
    public IReadOnlyList<Labels> DuplicateSeries { get; init; } = [];

    /// <summary>
    /// Label names written with an empty value (<c>instance=""</c>), by sample index. <see cref="Labels"/> drops
    /// them, but they matter to <c>honor_labels</c>: a federated <c>instance=""</c> means "no instance", so the
    /// scraping target's own instance must not be attached (Prometheus' <c>mutateSampleLabels</c>).
    /// </summary>
    public IReadOnlyDictionary<int, IReadOnlyCollection<string>> ExplicitlyEmptyLabels { get; init; } = new Dictionary<int, IReadOnlyCollection<string>>();
}
