using FedFunctions.Core.Model;

namespace FedFunctions.Core.Configuration;

/// <summary>GlobalConfig is the <c>global</c> section: defaults for every job and the external labels.</summary>
public sealed class GlobalConfig
{
    /// <summary>The default scrape interval when a job sets none (Prometheus: 1m).</summary>
    public static readonly TimeSpan DefaultScrapeInterval = TimeSpan.FromMinutes(1);

    /// <summary>The default scrape timeout when none is set (Prometheus: 10s, capped at the interval).</summary>
    public static readonly TimeSpan DefaultScrapeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>ScrapeInterval is how often jobs are scraped unless they say otherwise.</summary>
    public TimeSpan ScrapeInterval { get; internal init; } = DefaultScrapeInterval;

    /// <summary>ScrapeTimeout bounds one scrape unless a job says otherwise; never longer than <see cref="ScrapeInterval"/>.</summary>
    public TimeSpan ScrapeTimeout { get; internal init; } = DefaultScrapeTimeout;

    /// <summary>NameValidation is <c>metric_name_validation_scheme</c>: jobs that set none use it (default utf8).</summary>
    public NameValidationScheme NameValidation { get; internal init; } = NameValidationScheme.Utf8;

    /// <summary>NameEscaping is <c>metric_name_escaping_scheme</c>: jobs that set neither key use it (default allow-utf-8).</summary>
    public NameEscapingScheme NameEscaping { get; internal init; } = NameEscapingScheme.AllowUtf8;

    /// <summary>ScrapeProtocols is the global <c>scrape_protocols</c>, or null when unset (jobs then choose by their own settings).</summary>
    public IReadOnlyList<ScrapeProtocol>? ScrapeProtocols { get; internal init; }

    /// <summary>ScrapeNativeHistograms is the global <c>scrape_native_histograms</c> (default false).</summary>
    public bool ScrapeNativeHistograms { get; internal init; }

    /// <summary>AlwaysScrapeClassicHistograms is the global <c>always_scrape_classic_histograms</c> (default false).</summary>
    public bool AlwaysScrapeClassicHistograms { get; internal init; }

    /// <summary>ConvertClassicHistogramsToNhcb is the global <c>convert_classic_histograms_to_nhcb</c> (default false).</summary>
    public bool ConvertClassicHistogramsToNhcb { get; internal init; }

    /// <summary>ExternalLabels are added to federated series that lack them (never at scrape time).</summary>
    public Labels ExternalLabels { get; internal init; } = Labels.Empty;
}
