using System.Text.Json;
using FedFunctions.Functions.Hosting;
using FedFunctions.Functions.Monitoring;

namespace FedFunctions.Functions.Endpoints;

/// <summary>
/// ScrapeNowEndpoint handles <c>POST /-/scrape</c> in standalone mode: it runs one scrape cycle and answers
/// once it completed, 200 with the run's summary, or 500 with <c>{"error": ...}</c> (and the summary when
/// the run got that far) when storage or anything else failed. Failing targets alone do not fail the run.
/// </summary>
internal static class ScrapeNowEndpoint
{
    public static async Task HandleAsync(HttpContext context, ScrapeRunner runner, ILogger<ScrapeRunner> logger)
    {
        ScrapeOutcome outcome;
        try
        {
            outcome = await runner.RunForOutcomeAsync("POST /-/scrape", context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // Whatever broke, the caller gets JSON naming it, as for storage failures.
            logger.ScrapeNowFailed(ex);
            outcome = new ScrapeOutcome(null, $"scrape run failed: {ex.GetType().Name}: {ex.Message}");
        }
        context.Response.StatusCode = outcome.Succeeded ? StatusCodes.Status200OK : StatusCodes.Status500InternalServerError;
        context.Response.ContentType = "application/json";
        if (outcome.Succeeded)
            await JsonSerializer.SerializeAsync(context.Response.Body, outcome.Summary!, ScrapeJsonContext.Default.ScrapeSummary, context.RequestAborted);
        else
            await JsonSerializer.SerializeAsync(context.Response.Body, outcome, ScrapeJsonContext.Default.ScrapeOutcome, context.RequestAborted);
    }
}
