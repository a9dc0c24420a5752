using FedFunctions.Functions.Hosting;

namespace FedFunctions.Functions.Endpoints;

/// <summary>
/// HealthEndpoints answer <c>/-/healthy</c> and <c>/-/ready</c> as Prometheus' <c>web/web.go</c> does: healthy is
/// 200 <c>Prometheus Server is Healthy.</c> whenever the process serves; ready is 200 <c>Prometheus Server is Ready.</c>
/// once <see cref="Readiness"/> says so, else 503 <c>Service Unavailable</c> with <c>X-Prometheus-Stopping</c>.
/// HEAD gets the same status without a body. The texts keep Prometheus' words so probes written for it match.
/// </summary>
internal static class HealthEndpoints
{
    public const string HealthyText = "Prometheus Server is Healthy.\n";
    public const string ReadyText = "Prometheus Server is Ready.\n";
    public const string NotReadyText = "Service Unavailable";

    public static Task HealthyAsync(HttpContext context) =>
        AnswerAsync(context, StatusCodes.Status200OK, HealthyText);

    public static async Task ReadyAsync(HttpContext context, Readiness readiness)
    {
        if (await readiness.IsReadyAsync(context.RequestAborted))
        {
            await AnswerAsync(context, StatusCodes.Status200OK, ReadyText);
            return;
        }
        context.Response.Headers["X-Prometheus-Stopping"] = readiness.Stopping ? "true" : "false";
        await AnswerAsync(context, StatusCodes.Status503ServiceUnavailable, NotReadyText);
    }

    private static Task AnswerAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        // Prometheus answers HEAD with neither body nor Content-Type.
        if (HttpMethods.IsHead(context.Request.Method)) return Task.CompletedTask;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}
