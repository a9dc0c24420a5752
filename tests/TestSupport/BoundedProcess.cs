using System.Diagnostics;

namespace FedFunctions.TestSupport;

/// <summary>ProcessOutcome is how a command line tool run by <see cref="BoundedProcess"/> ended.</summary>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="StdOut">Everything written to stdout.</param>
/// <param name="StdErr">Everything written to stderr.</param>
public sealed record ProcessOutcome(int ExitCode, string StdOut, string StdErr);

/// <summary>
/// BoundedProcess runs a command line tool (Bicep, promtool, action-validator) to completion with its output
/// captured, killing it and throwing <see cref="TimeoutException"/> if it runs past <c>timeout</c>.
/// </summary>
public static class BoundedProcess
{
    /// <summary>RunAsync starts <paramref name="start"/> (output redirected here), writes <paramref name="stdin"/> if given, and waits.</summary>
    public static async Task<ProcessOutcome> RunAsync(ProcessStartInfo start, TimeSpan timeout, string? stdin = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = stdin is not null;
        start.UseShellExecute = false;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}");
        }
        return new ProcessOutcome(process.ExitCode, await stdout, await stderr);
    }
}
