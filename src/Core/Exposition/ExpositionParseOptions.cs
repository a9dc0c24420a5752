namespace FedFunctions.Core.Exposition;

/// <summary>
/// ExpositionParseOptions are the per-job switches that change what a body yields, as in Prometheus 3's
/// scrape config: whether native histograms are kept, whether classic histogram series are kept beside them.
/// </summary>
public sealed record ExpositionParseOptions
{
    /// <summary>The defaults: native histograms ignored (their classic series are read instead).</summary>
    public static readonly ExpositionParseOptions Default = new();

    /// <summary><c>scrape_native_histograms</c>: keep native histograms as native histogram samples.</summary>
    public bool ScrapeNativeHistograms { get; init; }

    /// <summary><c>always_scrape_classic_histograms</c>: also keep the classic series of a histogram read as native.</summary>
    public bool AlwaysScrapeClassicHistograms { get; init; }

    /// <summary><c>convert_classic_histograms_to_nhcb</c>: turn classic histograms into custom-bucket native histograms.</summary>
    public bool ConvertClassicHistogramsToNhcb { get; init; }
}
