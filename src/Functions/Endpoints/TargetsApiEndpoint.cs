using System.Globalization;
using System.Text.Json;
using FedFunctions.Core.Model;
using FedFunctions.Core.Storage;
using FedFunctions.Core.Targets;

namespace FedFunctions.Functions.Endpoints;

/// <summary>
/// TargetsApiEndpoint serves <c>GET /api/v1/targets</c> in Prometheus' JSON shape
/// (<c>{"status":"success","data":{"activeTargets":[...],"droppedTargets":[...]}}</c>, fields as in Prometheus'
/// <c>Target</c> and <c>DroppedTarget</c>), from what is stored (<see cref="TargetsReader"/>), so every instance
/// answers the same. Storage trouble answers 503 with Prometheus' error envelope.
/// </summary>
internal static class TargetsApiEndpoint
{
    /// <summary>NeverScraped is how Go writes a zero <c>time.Time</c>: a target with no stored scrape.</summary>
    public const string NeverScraped = "0001-01-01T00:00:00Z";

    public static async Task HandleAsync(HttpContext context, TargetsReader reader)
    {
        var query = TargetsQuery.From(context.Request.Query);
        TargetsStatus status;
        try
        {
            status = await reader.ReadAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is SnapshotStoreException or InvalidDataException)
        {
            await ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "unavailable", ex.Message);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("status", "success");
            json.WriteStartObject("data");
            json.WriteStartArray("activeTargets");
            foreach (var target in query.Select(status.Active)) WriteActive(json, target, context.Request.Host);
            json.WriteEndArray();
            json.WriteStartArray("droppedTargets");
            foreach (var dropped in query.Select(status.Dropped))
            {
                json.WriteStartObject();
                WriteLabels(json, "discoveredLabels", dropped.DiscoveredLabels);
                json.WriteString("scrapePool", dropped.ScrapePool);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    private static void WriteActive(Utf8JsonWriter json, ActiveTargetStatus status, HostString host)
    {
        var target = status.Target;
        json.WriteStartObject();
        WriteLabels(json, "discoveredLabels", target.DiscoveredLabels);
        WriteLabels(json, "labels", target.Labels);
        json.WriteString("scrapePool", target.ScrapePool);
        json.WriteString("scrapeUrl", target.ScrapeUrl);
        json.WriteString("globalUrl", TargetsQuery.GlobalUrl(target.ScrapeUrl, host));
        json.WriteString("lastError", status.LastError);
        json.WriteString("lastScrape", Rfc3339(status.LastScrape));
        json.WriteNumber("lastScrapeDuration", status.LastScrapeDurationSeconds);
        json.WriteString("health", HealthText(status.Health));
        json.WriteString("scrapeInterval", target.ScrapeInterval);
        json.WriteString("scrapeTimeout", target.ScrapeTimeout);
        json.WriteEndObject();
    }

    /// <summary>Prometheus' health words.</summary>
    public static string HealthText(TargetHealth health) => health switch
    {
        TargetHealth.Up => "up",
        TargetHealth.Down => "down",
        _ => "unknown",
    };

    /// <summary>RFC 3339 in UTC with the fraction's trailing zeros cut, as Go's RFC3339Nano writes it.</summary>
    public static string Rfc3339(DateTimeOffset? time) => time is { } t
        ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)
        : NeverScraped;

    private static void WriteLabels(Utf8JsonWriter json, string name, Labels labels)
    {
        json.WriteStartObject(name);
        foreach (var label in labels.AsSpan()) json.WriteString(label.Name, label.Value);
        json.WriteEndObject();
    }

    private static async Task ErrorAsync(HttpContext context, int status, string errorType, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", "error");
        json.WriteString("errorType", errorType);
        json.WriteString("error", message);
        json.WriteEndObject();
    }
}
