namespace FedFunctions.Core.Exposition;

/// <summary>
/// ExpositionParser turns a scrape body (text 0.0.4 or OpenMetrics 1.0) into an <see cref="ExpositionDocument"/>,
/// accepting and rejecting what Prometheus' own <c>model/textparse</c> parsers do. Parsing is all or nothing:
/// any malformed line throws <see cref="ExpositionParseException"/> naming the line, because Prometheus rolls
/// back the whole scrape on a parse error.
/// </summary>
public static class ExpositionParser
{
    /// <summary>
    /// Parse reads <paramref name="body"/> in the format its <paramref name="contentType"/> names:
    /// <c>application/openmetrics-text</c> is OpenMetrics, <c>text/plain</c> (any version) or a blank type is text 0.0.4,
    /// <c>application/vnd.google.protobuf</c> is delimited protobuf (with the default options).
    /// </summary>
    /// <param name="body">The (decompressed) response body.</param>
    /// <param name="contentType">The response's Content-Type header, or null when it had none.</param>
    /// <returns>The samples, metadata and duplicate series of the body.</returns>
    /// <exception cref="ExpositionParseException">The Content-Type is unsupported or the body is malformed.</exception>
    public static ExpositionDocument Parse(ReadOnlySpan<byte> body, string? contentType)
    {
        var format = FormatFromContentType(contentType)
            ?? throw new ExpositionParseException($"unsupported Content-Type \"{contentType}\"", 0);
        return Parse(body, format);
    }

    /// <summary>Parse reads <paramref name="body"/> as <paramref name="format"/>.</summary>
    /// <param name="body">The (decompressed) response body.</param>
    /// <param name="format">The wire format to read.</param>
    /// <returns>The samples, metadata and duplicate series of the body.</returns>
    /// <exception cref="ExpositionParseException">The body is malformed; the message names the line.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not a defined format.</exception>
    public static ExpositionDocument Parse(ReadOnlySpan<byte> body, ExpositionFormat format) => Parse(body, format, ExpositionParseOptions.Default);

    /// <summary>Parse reads <paramref name="body"/> as <paramref name="format"/> with a job's histogram switches.</summary>
    /// <param name="body">The (decompressed) response body.</param>
    /// <param name="format">The wire format to read.</param>
    /// <param name="options">Which histogram parts to keep (<c>scrape_native_histograms</c> and friends).</param>
    /// <returns>The samples, metadata and duplicate series of the body.</returns>
    /// <exception cref="ExpositionParseException">The body is malformed; the message names the line or protobuf field.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not a defined format.</exception>
    public static ExpositionDocument Parse(ReadOnlySpan<byte> body, ExpositionFormat format, ExpositionParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Roughly one sample per 64 bytes of body; only a capacity hint.
        var builder = new ExpositionDocumentBuilder(Utf8StringCache.ForCurrentThread, body.Length / 64) { KeepLaterPoints = format == ExpositionFormat.OpenMetrics };
        switch (format)
        {
            case ExpositionFormat.PrometheusText or ExpositionFormat.OpenMetrics:
                var reader = new ExpositionReader(body, format == ExpositionFormat.OpenMetrics, builder);
                reader.ReadAll();
                break;
            case ExpositionFormat.PrometheusProtobuf:
                Protobuf.ProtobufExpositionReader.ReadAll(body, builder, options);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "unknown exposition format");
        }
        var document = builder.Build(format);
        return options.ConvertClassicHistogramsToNhcb ? NhcbConversion.Apply(document, options.AlwaysScrapeClassicHistograms) : document;
    }

    /// <summary>
    /// FormatFromContentType maps a Content-Type to the format to parse, as Prometheus chooses its parser:
    /// by media type only, ignoring parameters such as <c>version</c>.
    /// </summary>
    /// <param name="contentType">The Content-Type header value, or null.</param>
    /// <returns>
    /// <see cref="ExpositionFormat.OpenMetrics"/> for <c>application/openmetrics-text</c>,
    /// <see cref="ExpositionFormat.PrometheusText"/> for <c>text/plain</c> or a blank value,
    /// <see cref="ExpositionFormat.PrometheusProtobuf"/> for <c>application/vnd.google.protobuf</c>, null for anything else.
    /// </returns>
    public static ExpositionFormat? FormatFromContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return ExpositionFormat.PrometheusText;
        var mediaType = contentType.AsSpan();
        var semicolon = mediaType.IndexOf(';');
        if (semicolon >= 0) mediaType = mediaType[..semicolon];
        mediaType = mediaType.Trim();
        if (mediaType.Equals("application/openmetrics-text", StringComparison.OrdinalIgnoreCase)) return ExpositionFormat.OpenMetrics;
        if (mediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase)) return ExpositionFormat.PrometheusText;
        if (mediaType.Equals("application/vnd.google.protobuf", StringComparison.OrdinalIgnoreCase)) return ExpositionFormat.PrometheusProtobuf;
        return null;
    }
}
