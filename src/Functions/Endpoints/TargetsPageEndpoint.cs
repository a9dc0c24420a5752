using FedFunctions.Core.Storage;
using FedFunctions.Core.Targets;

namespace FedFunctions.Functions.Endpoints;

/// <summary>
/// TargetsPageEndpoint serves <c>GET /targets</c>: <see cref="TargetsPage"/> over what is stored. Query
/// <c>health</c> (<c>unhealthy</c>, <c>up</c>, <c>down</c>, <c>unknown</c>) filters the targets, <c>pool</c> keeps one job.
/// Storage trouble answers 503 with a short page saying why.
/// </summary>
internal static class TargetsPageEndpoint
{
    public static async Task HandleAsync(HttpContext context, TargetsReader reader, TimeProvider time)
    {
        var response = context.Response;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.XContentTypeOptions = "nosniff";
        // Nothing on the page comes from elsewhere: forbid everything else.
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'";
        response.Headers.CacheControl = "no-store";
        TargetsStatus status;
        try
        {
            status = await reader.ReadAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is SnapshotStoreException or InvalidDataException)
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await response.WriteAsync("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Targets · fed-functions</title></head><body><h1>Targets</h1><p>" +
                System.Net.WebUtility.HtmlEncode(ex.Message) + "</p></body></html>\n", context.RequestAborted);
            return;
        }
        var pool = context.Request.Query["pool"].ToString();
        var html = TargetsPage.Render(status, context.Request.Query["health"].ToString(), pool.Length == 0 ? null : pool, time.GetUtcNow(), context.Request.Host);
        response.StatusCode = StatusCodes.Status200OK;
        await response.WriteAsync(html, context.RequestAborted);
    }
}
