using FedFunctions.Functions.Monitoring;

namespace FedFunctions.Functions.Endpoints;

/// <summary>MetricsEndpoint serves <c>GET /metrics</c>: the app's own counters and histograms in text format 0.0.4.</summary>
internal static class MetricsEndpoint
{
    public static async Task HandleAsync(HttpContext context, AppMetrics metrics)
    {
        context.Response.ContentType = FederateEndpoint.TextContentType;
        metrics.WriteTo(context.Response.BodyWriter);
        // Flushed here, not left to the server: the response must be complete whoever hosts the call.
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
