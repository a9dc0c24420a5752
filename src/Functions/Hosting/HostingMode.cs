namespace FedFunctions.Functions.Hosting;

/// <summary>
/// HostingMode tells whether the Functions host started this process as its isolated worker.
/// The host starts a worker with <c>--functions-uri &lt;gRPC address&gt;</c> (plus <c>--functions-worker-id</c>,
/// <c>--functions-request-id</c>, <c>--functions-grpc-max-message-length</c> and their older short forms),
/// which the worker maps to the setting <c>Functions:Worker:HostEndpoint</c>; the placeholder launcher
/// (FunctionsNetHost) passes that setting as an environment variable instead. Either one means worker
/// mode; neither means nobody will call us over gRPC, so the app serves HTTP itself (standalone mode).
/// </summary>
internal static class HostingMode
{
    private const string UriSwitch = "--functions-uri";

    /// <summary>Whether <paramref name="args"/> or the settings carry the host's gRPC endpoint.</summary>
    public static bool StartedByFunctionsHost(IReadOnlyList<string> args, Func<string, string?> getSetting)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(getSetting);
        foreach (var arg in args)
        {
            if (arg == UriSwitch || arg.StartsWith(UriSwitch + "=", StringComparison.Ordinal)) return true;
        }
        return !string.IsNullOrWhiteSpace(getSetting("Functions:Worker:HostEndpoint")) ||
               !string.IsNullOrWhiteSpace(getSetting("Functions__Worker__HostEndpoint"));
    }
}
