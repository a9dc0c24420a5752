using System.Diagnostics;
using FedFunctions.TestSupport;

namespace FedFunctions.Infra.Tests;

/// <summary>ValidatorResult is the outcome of one action-validator run.</summary>
/// <param name="ExitCode">0 when the workflow is valid, 1 otherwise.</param>
/// <param name="Output">stdout and stderr (the errors as JSON on failure).</param>
public sealed record ValidatorResult(int ExitCode, string Output);

/// <summary>
/// ActionValidator runs the real <c>@action-validator/cli</c> (pinned in package.json, a WebAssembly build of the
/// JSON-schema validator, so it needs no network) from <c>node_modules/.bin</c> with a bounded wait.
/// </summary>
public static class ActionValidator
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary>Executable is <c>node_modules/.bin/action-validator</c> (installed by <c>scripts/setup.sh</c>).</summary>
    public static string Executable => Path.Combine(InfraTestPaths.RepoRoot, "node_modules", ".bin", "action-validator");

    /// <summary>RunAsync validates the workflow file at <paramref name="workflowPath"/>.</summary>
    public static async Task<ValidatorResult> RunAsync(string workflowPath)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} not found: run scripts/setup.sh (npm ci installs @action-validator/cli).");
        }

        var start = new ProcessStartInfo(Executable) { WorkingDirectory = InfraTestPaths.RepoRoot };
        start.ArgumentList.Add(workflowPath);
        start.Environment["NO_COLOR"] = "1";

        var outcome = await BoundedProcess.RunAsync(start, Timeout);
        return new ValidatorResult(outcome.ExitCode, outcome.StdOut + outcome.StdErr);
    }
}
