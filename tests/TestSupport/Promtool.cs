using System.Diagnostics;

namespace FedFunctions.TestSupport;

/// <summary>Promtool runs the real <c>promtool check metrics</c> (Debian package) over exposition text.</summary>
public static class Promtool
{
    /// <summary>The lint problems promtool reports (empty when clean); throws when promtool itself fails to run.</summary>
    public static IReadOnlyList<string> CheckMetrics(string exposition)
    {
        var path = File.Exists("/usr/bin/promtool") ? "/usr/bin/promtool"
            : throw new InvalidOperationException("promtool is not installed: run scripts/setup.sh --test");
        var start = new ProcessStartInfo(path, "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(exposition);
        process.StandardInput.Close();
        if (!process.WaitForExit(30_000)) throw new TimeoutException("promtool check metrics did not finish");
        var output = stdout.Result + stderr.Result;
        // Exit 3 means lint problems (listed one per line); 1 means it could not parse the input.
        if (process.ExitCode is not (0 or 3)) throw new InvalidOperationException($"promtool failed ({process.ExitCode}): {output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
