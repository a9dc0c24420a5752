namespace FedFunctions.Core.Configuration;

/// <summary>ScrapeProtocol is one value of <c>scrape_protocols</c> / <c>fallback_scrape_protocol</c> (Prometheus 3).</summary>
public enum ScrapeProtocol
{
    /// <summary><c>PrometheusProto</c>: delimited protobuf.</summary>
    PrometheusProto,

    /// <summary><c>PrometheusText0.0.4</c>.</summary>
    PrometheusText004,

    /// <summary><c>PrometheusText1.0.0</c>.</summary>
    PrometheusText100,

    /// <summary><c>OpenMetricsText0.0.1</c>.</summary>
    OpenMetricsText001,

    /// <summary><c>OpenMetricsText1.0.0</c>.</summary>
    OpenMetricsText100,
}

/// <summary>ScrapeProtocols holds the spellings, media types and default lists of <see cref="ScrapeProtocol"/>, as Prometheus 3's <c>config.go</c>.</summary>
public static class ScrapeProtocols
{
    /// <summary>The default list: OpenMetrics first, no protobuf.</summary>
    public static readonly IReadOnlyList<ScrapeProtocol> Default =
        [ScrapeProtocol.OpenMetricsText100, ScrapeProtocol.OpenMetricsText001, ScrapeProtocol.PrometheusText100, ScrapeProtocol.PrometheusText004];

    /// <summary>The default list of a job with <c>scrape_native_histograms</c>: protobuf first.</summary>
    public static readonly IReadOnlyList<ScrapeProtocol> NativeHistogramDefault = [ScrapeProtocol.PrometheusProto, .. Default];

    /// <summary>The YAML spelling of <paramref name="protocol"/> (<c>PrometheusText0.0.4</c>).</summary>
    public static string Spelling(ScrapeProtocol protocol) => protocol switch
    {
        ScrapeProtocol.PrometheusProto => "PrometheusProto",
        ScrapeProtocol.PrometheusText004 => "PrometheusText0.0.4",
        ScrapeProtocol.PrometheusText100 => "PrometheusText1.0.0",
        ScrapeProtocol.OpenMetricsText001 => "OpenMetricsText0.0.1",
        ScrapeProtocol.OpenMetricsText100 => "OpenMetricsText1.0.0",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, null),
    };

    /// <summary>The Accept clause of <paramref name="protocol"/> without weight or escaping (<c>ScrapeProtocolsHeaders</c>).</summary>
    public static string MediaClause(ScrapeProtocol protocol) => protocol switch
    {
        ScrapeProtocol.PrometheusProto => "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited",
        ScrapeProtocol.PrometheusText004 => "text/plain;version=0.0.4",
        ScrapeProtocol.PrometheusText100 => "text/plain;version=1.0.0",
        ScrapeProtocol.OpenMetricsText001 => "application/openmetrics-text;version=0.0.1",
        ScrapeProtocol.OpenMetricsText100 => "application/openmetrics-text;version=1.0.0",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, null),
    };

    /// <summary>The supported spellings, sorted as Prometheus lists them in its error.</summary>
    internal static string SupportedList =>
        "[" + string.Join(' ', Enum.GetValues<ScrapeProtocol>().Select(Spelling).Order(StringComparer.Ordinal)) + "]";

    /// <summary>Parses a YAML spelling (case-sensitive, as Prometheus).</summary>
    public static bool TryParse(string text, out ScrapeProtocol protocol)
    {
        foreach (var candidate in Enum.GetValues<ScrapeProtocol>())
        {
            if (Spelling(candidate) == text)
            {
                protocol = candidate;
                return true;
            }
        }
        protocol = default;
        return false;
    }
}
