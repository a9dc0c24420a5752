using System.Diagnostics;
using FedFunctions.TestSupport;

namespace FedFunctions.Infra.Tests;

/// <summary>BicepResult is the outcome of one Bicep CLI run.</summary>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="StdOut">Everything written to stdout (the compiled JSON with <c>--stdout</c>).</param>
/// <param name="StdErr">Everything written to stderr (diagnostics: warnings and errors).</param>
public sealed record BicepResult(int ExitCode, string StdOut, string StdErr)
{
    /// <summary>Describe renders the result for assertion messages.</summary>
    public string Describe() => $"exit {ExitCode}\nstderr:\n{StdErr}\nstdout (first 2000 chars):\n{StdOut[..Math.Min(StdOut.Length, 2000)]}";
}

/// <summary>BicepCli runs the real Bicep CLI (from NuGet) with a bounded wait.</summary>
public static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private static readonly Lazy<string> Executable = new(PrepareExecutable);

    /// <summary>RunAsync runs <c>bicep</c> with <paramref name="args"/> in <paramref name="workingDirectory"/>.</summary>
    public static async Task<BicepResult> RunAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(Executable.Value) { WorkingDirectory = workingDirectory };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Offline and deterministic: no telemetry, no interactive colouring.
        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["NO_COLOR"] = "1";

        var outcome = await BoundedProcess.RunAsync(start, Timeout);
        return new BicepResult(outcome.ExitCode, outcome.StdOut, outcome.StdErr);
    }

    // NuGet extraction can drop the exec bit on some systems: restore it once before the first run.
    private static string PrepareExecutable()
    {
        var path = InfraTestPaths.BicepExecutable;
        if (OperatingSystem.IsWindows()) return path; // the linux-x64 package only runs on Linux anyway
        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return path;
    }
}
