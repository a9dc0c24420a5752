using FedFunctions.Core.Configuration;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Scraping;

/// <summary>
/// ScrapeContentType is Prometheus 3's negotiation on both ends of a scrape: the Accept header built from
/// <c>scrape_protocols</c> (<c>acceptHeader</c>) and the parser chosen from the response's Content-Type, where
/// a blank, unparsable or unsupported type fails the scrape unless <c>fallback_scrape_protocol</c> names one
/// (<c>textparse.New</c>, <c>extractMediaType</c>).
/// </summary>
internal static class ScrapeContentType
{
    // One weight per known protocol plus one, as Prometheus: the first clause gets q=0.6 whatever the list's length.
    private static readonly int FirstWeight = Enum.GetValues<ScrapeProtocol>().Length + 1;

    /// <summary>The Accept header for <paramref name="protocols"/>, with <c>escaping=</c> on the two 1.0.0 text clauses (Prometheus 3.4+).</summary>
    public static string AcceptHeader(IReadOnlyList<ScrapeProtocol> protocols, NameEscapingScheme escaping)
    {
        var clauses = new List<string>(protocols.Count + 1);
        var weight = FirstWeight;
        foreach (var protocol in protocols)
        {
            var clause = ScrapeProtocols.MediaClause(protocol);
            if (protocol is ScrapeProtocol.PrometheusText100 or ScrapeProtocol.OpenMetricsText100)
                clause += ";escaping=" + NameEscaping.Spelling(escaping);
            clauses.Add($"{clause};q=0.{weight}");
            weight--;
        }
        clauses.Add($"*/*;q=0.{weight}");
        return string.Join(',', clauses);
    }

    /// <summary>
    /// The format to parse a body of <paramref name="contentType"/> with, or the reason the scrape fails. The media
    /// type alone decides (parameters are ignored); other types use <paramref name="fallback"/> when set.
    /// </summary>
    public static ExpositionFormat Choose(string? contentType, ScrapeProtocol? fallback)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return fallback is { } blankFallback ? FormatOf(blankFallback)
                : throw new ScrapeFailedException("non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for target");
        }
        if (!TryMediaType(contentType, out var mediaType))
        {
            return fallback is { } badFallback ? FormatOf(badFallback)
                : throw new ScrapeFailedException($"cannot parse Content-Type \"{contentType}\" and no fallback_scrape_protocol for target");
        }
        return mediaType switch
        {
            "application/openmetrics-text" => ExpositionFormat.OpenMetrics,
            "application/vnd.google.protobuf" => ExpositionFormat.PrometheusProtobuf,
            "text/plain" => ExpositionFormat.PrometheusText,
            _ => fallback is { } otherFallback ? FormatOf(otherFallback)
                : throw new ScrapeFailedException($"received unsupported Content-Type \"{contentType}\" and no fallback_scrape_protocol specified for target"),
        };
    }

    /// <summary>The parser a protocol names.</summary>
    public static ExpositionFormat FormatOf(ScrapeProtocol protocol) => protocol switch
    {
        ScrapeProtocol.PrometheusProto => ExpositionFormat.PrometheusProtobuf,
        ScrapeProtocol.OpenMetricsText001 or ScrapeProtocol.OpenMetricsText100 => ExpositionFormat.OpenMetrics,
        _ => ExpositionFormat.PrometheusText,
    };

    /// <summary>
    /// The lower-cased <c>type/subtype</c> of a Content-Type, as Go's <c>mime.ParseMediaType</c> reads it: both
    /// parts RFC 2045 tokens, and every parameter after it a <c>name=value</c> pair (value a token or quoted string).
    /// </summary>
    internal static bool TryMediaType(string contentType, out string mediaType)
    {
        mediaType = "";
        var parts = contentType.Split(';');
        var type = parts[0].Trim();
        var slash = type.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == type.Length - 1 || !IsToken(type.AsSpan(0, slash)) || !IsToken(type.AsSpan(slash + 1))) return false;
        for (var i = 1; i < parts.Length; i++)
        {
            var parameter = parts[i].Trim();
            if (parameter.Length == 0 && i == parts.Length - 1) break; // Go tolerates one trailing ";"
            var equals = parameter.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !IsToken(parameter.AsSpan(0, equals).Trim())) return false;
            var value = parameter.AsSpan(equals + 1).Trim();
            var quoted = value.Length >= 2 && value[0] == '"' && value[^1] == '"';
            if (!quoted && !IsToken(value)) return false;
        }
        mediaType = type.ToLowerInvariant();
        return true;
    }

    private static bool IsToken(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return false;
        foreach (var c in text)
        {
            if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?=".Contains(c, StringComparison.Ordinal)) return false;
        }
        return true;
    }
}
