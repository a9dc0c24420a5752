using System.Diagnostics;
using System.IO.Compression;
using FedFunctions.Core.Binary;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Federation;
using FedFunctions.Core.Selectors;
using FedFunctions.Core.Storage;
using FedFunctions.Functions.Monitoring;
using Microsoft.Extensions.Primitives;

namespace FedFunctions.Functions.Endpoints;

/// <summary>
/// FederateEndpoint serves <c>GET|POST /federate</c> like Prometheus' <c>web/federate.go</c>: every
/// <c>match[]</c> is validated before storage is touched (400 with Prometheus' parse error), storage
/// trouble answers 503, and the answer is written family by family in text format 0.0.4, or as delimited
/// protobuf when the <c>Accept</c> header asks for it first, with names escaped as the header asks
/// (<see cref="ExpositionNegotiation"/>), gzipped when the client accepts it. Other parameters (the Functions key <c>code</c>, say) are ignored.
/// </summary>
internal static class FederateEndpoint
{
    public const string TextContentType = ExpositionNegotiation.TextContentType;

    /// <summary>At most 1000 form values of 64 KiB each (a selector is refused past 16 KiB anyway).</summary>
    private static readonly Microsoft.AspNetCore.Http.Features.FormOptions FormLimits = new()
    {
        ValueCountLimit = 1000,
        ValueLengthLimit = 64 * 1024,
        KeyLengthLimit = 1024,
        MultipartBodyLengthLimit = 16 * 1024 * 1024,
    };

    /// <summary>How much of the answer is collected before it is written to the response.</summary>
    internal const int FlushBytes = 2 * ChunkedBufferWriter.DefaultChunkSize;

    /// <summary>
    /// The gzip level. Prometheus 2.42 compresses <c>/federate</c> with Go's <c>gzip.NewWriter</c>, the default
    /// level 6 of Go's own deflate (<c>util/httputil.CompressionHandler</c>). zlib's levels up to 6 came within 1 % of
    /// Prometheus' size on node_exporter data from run to run, now under, now over it (level 6: 0.13 % under for
    /// text at 3,000 targets). Level 7 with the filtered strategy is 3 % smaller than 6 for that text answer and 1 %
    /// for protobuf, for 25–45 % more compression time, which runs beside the rendering on a second core
    /// (<c>OverlappedStreamWriter</c>); level 8 takes three to five times as long. <c>CompressionLevel.Fastest</c>,
    /// zlib's level 1, gave 1.4x Prometheus' size (measurements in bench/README.md).
    /// </summary>
    internal static readonly ZLibCompressionOptions GzipOptions = new() { CompressionLevel = 7, CompressionStrategy = ZLibCompressionStrategy.Filtered };

    /// <summary>A complete gzip member holding nothing: header, an empty final deflate block, CRC-32 and size 0 (RFC 1952).</summary>
    private static readonly byte[] EmptyGzip = [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    public static async Task HandleAsync(HttpContext context, FederationService federation, AppMetrics metrics, ILogger<FederationService> logger)
    {
        using var activity = Tracing.Source.StartActivity("federate");
        var started = Stopwatch.GetTimestamp();
        int status;
        try
        {
            status = await RespondAsync(context, federation, metrics, logger);
            // Kestrel drops writes to a connection the client has reset without an error, and cancels RequestAborted
            // only a moment later on the thread pool: a last flush that finds the response closed tells at once.
            if ((await context.Response.BodyWriter.FlushAsync(context.RequestAborted)).IsCompleted) status = 499;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (a scraper's timeout): nothing to answer, and not our error.
            status = 499;
        }
        activity?.SetTag("http.response.status_code", status);
        if (status >= 500) activity?.SetStatus(ActivityStatusCode.Error);
        metrics.FederateRequests.Inc(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        metrics.FederateDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static async Task<int> RespondAsync(HttpContext context, FederationService federation, AppMetrics metrics, ILogger logger)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers.Vary = "Accept, Accept-Encoding";
        // Decided before storage is touched, as Prometheus does.
        var answer = ExpositionNegotiation.Negotiate(request.Headers.Accept.ToString());

        var matches = new List<string>();
        if (request.HasFormContentType)
        {
            try
            {
                // Form limits bound what a hostile POST can make us hold and parse.
                var form = await request.ReadFormAsync(FormLimits, context.RequestAborted);
                AddAll(matches, form["match[]"]);
            }
            catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
            {
                return await ErrorAsync(response, StatusCodes.Status400BadRequest, "error parsing form values: " + ex.Message);
            }
        }
        AddAll(matches, request.Query["match[]"]);

        IReadOnlyList<Selector> selectors;
        try
        {
            selectors = SelectorParser.ParseMany(matches);
        }
        catch (SelectorParseException ex)
        {
            return await ErrorAsync(response, StatusCodes.Status400BadRequest, ex.Message);
        }

        IReadOnlyList<Core.Model.MetricFamily> families;
        var storageStarted = Stopwatch.GetTimestamp();
        try
        {
            // Answer within the federating server's scrape timeout when it says it; else the configured budget.
            var budget = FederationBudget.FromScrapeTimeoutHeader(request.Headers[FederationBudget.HeaderName]);
            families = await federation.QueryAsync(selectors, budget, context.RequestAborted);
        }
        catch (SnapshotStoreException ex)
        {
            logger.FederateStorageUnavailable(ex.Message);
            return await ErrorAsync(response, StatusCodes.Status503ServiceUnavailable, "storage unavailable: " + ex.Message);
        }
        metrics.StorageDuration.Observe(Stopwatch.GetElapsedTime(storageStarted).TotalSeconds, "federate_read");

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = answer.ContentType;
        var gzip = AcceptHeader.AcceptsEncoding(request.Headers.AcceptEncoding, "gzip");
        if (gzip) response.Headers.ContentEncoding = "gzip";

        long series = 0;
        await using var compressed = gzip
            ? new GZipStream(response.Body, GzipOptions, leaveOpen: true)
            : null;
        // The writers ask for a span per line: collected in large pooled chunks, the response (or the
        // compressor) sees one write per chunk instead of one per line. Compressing costs about as much as
        // rendering, so with more than one core the compressor works on one buffer while the next is rendered.
        await using var buffer = new OverlappedStreamWriter(compressed ?? response.Body,
            overlap: compressed is not null && Environment.ProcessorCount > 1, context.RequestAborted);
        foreach (var family in families)
        {
            if (answer.Format == AnswerFormat.Protobuf) PrometheusProtobufWriter.WriteFamily(buffer, family, federation.ExternalLabels, answer.Escaping);
            else PrometheusTextWriter.WriteFamily(buffer, family, federation.ExternalLabels, answer.Escaping);
            series += family.Samples.Count;
            // Written out as we go: the answer streams instead of sitting in memory whole.
            if (buffer.Length >= FlushBytes) await buffer.FlushAsync();
        }
        await buffer.CompleteAsync();
        var bytes = buffer.BytesHandedOff;
        // Disposing the compressor (on the way out) writes the gzip trailer, but a GZipStream that was given
        // nothing writes nothing at all, which a gzip reader (Prometheus' scraper) refuses: send an empty member.
        if (compressed is not null && bytes == 0) await response.Body.WriteAsync(EmptyGzip, context.RequestAborted);
        metrics.SeriesServed.Inc(by: series);
        Activity.Current?.SetTag("fedfunctions.series_served", series);
        return StatusCodes.Status200OK;
    }

    private static void AddAll(List<string> matches, StringValues values)
    {
        foreach (var value in values)
        {
            if (value is not null) matches.Add(value);
        }
    }

    private static async Task<int> ErrorAsync(HttpResponse response, int status, string message)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.XContentTypeOptions = "nosniff";
        await response.WriteAsync(message + "\n");
        return status;
    }
}
