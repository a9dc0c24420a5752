using FedFunctions.Functions.Configuration;

namespace FedFunctions.Functions.Endpoints;

/// <summary>
/// ReloadEndpoint answers <c>POST|PUT /-/reload</c> as Prometheus' lifecycle endpoint does: it checks the
/// configuration source now and answers 200 (empty) when the configuration in force is the source's, or 500
/// with <c>failed to reload config: &lt;error&gt;</c> when the source's configuration was refused (the last
/// good one keeps running). Other methods get 405 <c>Only POST or PUT requests allowed</c>.
/// </summary>
internal static class ReloadEndpoint
{
    /// <summary>ReadTimeout (10 s) bounds reading the source for one request.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    public static async Task HandleAsync(HttpContext context, ConfigReloader reloader)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method) && !HttpMethods.IsPut(request.Method))
        {
            await TextAsync(context.Response, StatusCodes.Status405MethodNotAllowed, "Only POST or PUT requests allowed");
            return;
        }
        var result = await reloader.ReloadAsync(request.Method + " /-/reload", ReadTimeout, context.RequestAborted);
        if (result.Succeeded) context.Response.StatusCode = StatusCodes.Status200OK;
        else await TextAsync(context.Response, StatusCodes.Status500InternalServerError, "failed to reload config: " + result.Error);
    }

    private static async Task TextAsync(HttpResponse response, int status, string message)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.XContentTypeOptions = "nosniff";
        await response.WriteAsync(message + "\n");
    }
}
