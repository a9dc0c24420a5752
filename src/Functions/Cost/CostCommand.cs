using System.Globalization;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Storage;
using FedFunctions.Functions.Configuration;
using Microsoft.Extensions.Configuration;

namespace FedFunctions.Functions.Cost;

/// <summary>
/// CostCommand is <c>check-config --cost [options] FILE</c>: it runs the app on the configuration for a window of
/// simulated time against the configured storage account (<see cref="CostSimulation"/>), reads the app's counters,
/// and prints the storage requests per run and per <c>/federate</c> read, and the monthly requests, executions,
/// GB-seconds and price at <see cref="CostRates"/> (<see cref="CostModel"/>). Settings come from the same
/// environment variables as the app (<c>FederationStorage</c>, <c>ScrapeSchedule</c>, <c>Federation__*</c>).
/// Exit 0 on success, 1 when the configuration is invalid or storage failed, 2 on a usage error.
/// </summary>
internal static class CostCommand
{
    /// <summary>Option is the flag of <c>check-config</c> that selects this command.</summary>
    public const string Option = "--cost";

    /// <summary>Usage is the command's help.</summary>
    public const string Usage =
        "usage: check-config --cost [--federators N] [--federate-interval 15s] [--match SELECTOR] [--window DURATION]\n" +
        "                           [--instance-memory 512|2048|4096] [--json] FILE\n" +
        "  runs the app on FILE (or a blob URL) for a window of simulated time, scraping its targets for real into a scratch\n" +
        "  table and container of the FederationStorage account (deleted afterwards), and prints the storage requests the\n" +
        "  app counted and their monthly price; settings as for the app (FederationStorage, ScrapeSchedule, Federation__*)";

    /// <summary>Run runs the command with the arguments after <c>check-config</c> (without <see cref="Option"/>); returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, IConfiguration? settings = null)
    {
        if (Parse(args, error) is not { } parsed) return 2;
        var (scenario, json) = parsed;
        settings ??= new ConfigurationBuilder().AddEnvironmentVariables().Build();
        try
        {
            // Bounded: each run ends within its budget and storage requests time out; a whole window at most MaxEvents of them.
            var measurement = CostSimulation.MeasureAsync(scenario, settings, CancellationToken.None).GetAwaiter().GetResult();
            var estimate = CostModel.Estimate(measurement, scenario.InstanceMemoryMb);
            var schedule = settings["ScrapeSchedule"] ?? new Settings.ScheduleOptions().ScrapeSchedule;
            if (json)
            {
                using var buffer = new MemoryStream();
                CostReport.WriteJson(buffer, scenario, schedule, measurement, estimate);
                output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            }
            else
            {
                CostReport.WriteTable(output, scenario, schedule, measurement, estimate);
            }
            return 0;
        }
        catch (ConfigException ex)
        {
            error.WriteLine($"check-config --cost: {ConfigProblem.Describe(ex)}");
            return 1;
        }
        catch (SnapshotStoreException ex)
        {
            error.WriteLine($"check-config --cost: {ex.Message}");
            return 1;
        }
    }

    private static (CostScenario Scenario, bool Json)? Parse(IReadOnlyList<string> args, TextWriter error)
    {
        string? file = null;
        var json = false;
        int federators = 1, memory = 2048;
        var interval = TimeSpan.FromSeconds(15);
        TimeSpan? window = null;
        string? match = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{arg} needs a value");
            try
            {
                switch (arg)
                {
                    case "--json": json = true; break;
                    case "--federators":
                        federators = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);
                        if (federators is < 0 or > 100) throw new FormatException("--federators must be 0 to 100");
                        break;
                    case "--federate-interval": interval = Duration(arg, Value()); break;
                    case "--window": window = Duration(arg, Value()); break;
                    case "--match": match = Value(); break;
                    case "--instance-memory":
                        memory = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);
                        if (memory is not (512 or 2048 or 4096)) throw new FormatException("--instance-memory must be 512, 2048 or 4096 (MB), the Flex Consumption sizes");
                        break;
                    default:
                        if (arg.StartsWith('-') && arg.Length > 1) throw new FormatException($"unknown option {arg}");
                        if (file is not null) throw new FormatException("name one configuration file");
                        file = arg;
                        break;
                }
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                error.WriteLine($"check-config --cost: {ex.Message}\n{Usage}");
                return null;
            }
        }
        if (file is null)
        {
            error.WriteLine($"check-config --cost: name the configuration file\n{Usage}");
            return null;
        }
        var scenario = new CostScenario { ConfigPath = file, Federators = federators, FederateInterval = interval, Window = window, InstanceMemoryMb = memory };
        return (match is null ? scenario : scenario with { Match = match }, json);
    }

    private static TimeSpan Duration(string option, string text) =>
        PrometheusDuration.TryParse(text, out var duration) && duration > TimeSpan.Zero
            ? duration
            : throw new FormatException($"{option}: \"{text}\" is not a positive duration such as 15s or 1m");
}
