using FedFunctions.Core.Configuration;
using FedFunctions.Functions.Configuration;

namespace FedFunctions.Functions.Hosting;

/// <summary>
/// FederationApp starts the executable in the mode that fits how it was started (<see cref="HostingMode"/>):
/// the isolated worker (<see cref="WorkerApp"/>) or the standalone server (<see cref="StandaloneApp"/>);
/// <c>check-config</c> as the first argument validates configuration files instead (<see cref="CheckConfigCommand"/>).
/// </summary>
internal static class FederationApp
{
    /// <summary>
    /// Builds and runs the app until shutdown; returns the process exit code. <paramref name="getSetting"/> only
    /// tells the hosting mode; the settings themselves are read through .NET configuration.
    /// </summary>
    public static int Run(string[] args, Func<string, string?> getSetting)
    {
        // check-config validates configuration files and exits; it starts nothing.
        if (args.Length > 0 && args[0] == CheckConfigCommand.Name) return CheckConfigCommand.Run(args[1..], Console.Out, Console.Error);
        var underHost = HostingMode.StartedByFunctionsHost(args, getSetting);
        IHost app;
        try
        {
            app = underHost ? WorkerApp.Build(args) : StandaloneApp.Build(args);
        }
        catch (ConfigException ex)
        {
            // Configuration mistakes stop the app at start-up with the key and line, never silently later.
            Console.Error.WriteLine($"fed-functions: configuration error: {ex.Message}");
            return 2;
        }
        Console.WriteLine(underHost
            ? "fed-functions: started by the Functions host: running as its isolated worker"
            : "fed-functions: no Functions host: running standalone (own HTTP server and scheduler)");
        app.Run();
        return 0;
    }
}
