using System.Text.Json;
using FedFunctions.Core.Ingestion;
using FedFunctions.Core.Storage;
using FedFunctions.Functions.Hosting;
using FedFunctions.Functions.Monitoring;

namespace FedFunctions.Functions.Endpoints;

/// <summary>
/// ScrapeTimerEndpoint handles <c>POST /ScrapeTimer</c>, the Functions host's timer invocation: it runs one
/// scrape cycle and answers the JSON object the host expects, with a summary in <c>Logs</c>. Target
/// failures are logged and do not fail the invocation; storage failures answer 500 (invocation failed).
/// </summary>
internal static class ScrapeTimerEndpoint
{
    public static async Task HandleAsync(HttpContext context, ScrapeRunner runner)
    {
        var logs = new List<string>();
        TimerInvocation? invocation = null;
        try
        {
            invocation = await JsonSerializer.DeserializeAsync(context.Request.Body, HostJsonContext.Default.TimerInvocation, context.RequestAborted);
        }
        catch (JsonException ex)
        {
            // A body we cannot read still gets a scrape: the host only ever sends a tick.
            logs.Add($"timer payload was not valid JSON ({ex.Message}); running anyway");
        }

        if (invocation?.IsPastDue == true) logs.Add("timer is past due; scraping now");
        if (invocation?.ScheduledFor is { } next) logs.Add($"scheduled for {next}");

        var status = StatusCodes.Status200OK;
        try
        {
            var result = await runner.RunAsync("timer", context.RequestAborted);
            logs.Add(result.ToString());
            logs.AddRange(result.ScrapeErrors.Take(20).Select(e => "scrape failed: " + e));
            logs.AddRange(result.StorageErrors.Take(20).Select(e => "storage failed: " + e));
            if (!result.Succeeded) status = StatusCodes.Status500InternalServerError;
        }
        catch (SnapshotStoreException ex)
        {
            logs.Add(ex.Message); // already says "storage unreachable: ..."
            status = StatusCodes.Status500InternalServerError;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // Whatever happens, the host gets the JSON object it waits for (an empty body would hang it).
            logs.Add($"scrape run failed: {ex.GetType().Name}: {ex.Message}");
            status = StatusCodes.Status500InternalServerError;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, new InvocationResult { Logs = logs }, HostJsonContext.Default.InvocationResult, context.RequestAborted);
    }
}
