using System.Diagnostics;

namespace FedFunctions.TestSupport;

/// <summary>Promtool runs the real <c>promtool</c> (Debian package): <c>check metrics</c> and <c>check config</c>.</summary>
public static class Promtool
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static string Executable => File.Exists("/usr/bin/promtool") ? "/usr/bin/promtool"
        : throw new InvalidOperationException("promtool is not installed: run scripts/setup.sh --test");

    /// <summary>The lint problems promtool reports (empty when clean); throws when promtool itself fails to run.</summary>
    public static IReadOnlyList<string> CheckMetrics(string exposition)
    {
        var outcome = BoundedProcess.RunAsync(new ProcessStartInfo(Executable, ["check", "metrics"]), Timeout, exposition).GetAwaiter().GetResult();
        var output = outcome.StdOut + outcome.StdErr;
        // Exit 3 means lint problems (listed one per line); 1 means it could not parse the input.
        if (outcome.ExitCode is not (0 or 3)) throw new InvalidOperationException($"promtool failed ({outcome.ExitCode}): {output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Whether <c>promtool check config --syntax-only</c> accepts the file at <paramref name="path"/>, and what it said.</summary>
    public static (bool Valid, string Output) CheckConfigSyntax(string path)
    {
        var outcome = BoundedProcess.RunAsync(new ProcessStartInfo(Executable, ["check", "config", "--syntax-only", path]), Timeout).GetAwaiter().GetResult();
        return (outcome.ExitCode == 0, outcome.StdOut + outcome.StdErr);
    }
}
