using System.Globalization;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Discovery;
using FedFunctions.Core.Model;

namespace FedFunctions.Functions.Configuration;

/// <summary>
/// CheckConfigCommand is <c>check-config [--targets] FILE...</c>: it validates scrape configuration files as the
/// app loads them, the way <c>promtool check config</c> does (<c>Checking FILE</c>, then <c> SUCCESS: ...</c> on
/// stdout or <c>  FAILED: ...</c> on stderr with the file, line and key). Every file is checked; exit 0 when all
/// are valid, 1 when one is not, 2 on a usage error. <c>--targets</c> also prints each job's targets after
/// relabeling, with their URL and labels, and the targets <c>relabel_configs</c> dropped: it runs discovery once
/// (static, file and HTTP service discovery) exactly as a scrape run does, and prints each discovery problem.
/// <c>--cost</c> measures what one configuration costs a month instead (<see cref="Cost.CostCommand"/>).
/// </summary>
internal static class CheckConfigCommand
{
    /// <summary>Name is the subcommand, the first argument.</summary>
    public const string Name = "check-config";

    private const string Usage = "usage: check-config [--targets] FILE...\n" +
                                 "  validates fed-functions scrape configurations (Prometheus' prometheus.yml format)\n" +
                                 "  --targets  also print each job's targets after relabeling, and the dropped ones\n" +
                                 "  --cost     measure what the configuration costs a month instead (check-config --cost --help)";

    /// <summary>
    /// Runs the command with the arguments after its name; returns the exit code. With <c>--cost</c> it is
    /// <see cref="Cost.CostCommand"/>, which reads the app's settings (<paramref name="settings"/>; null: the environment).
    /// </summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, Microsoft.Extensions.Configuration.IConfiguration? settings = null)
    {
        if (args.Contains(Cost.CostCommand.Option))
        {
            var rest = args.Where(a => a != Cost.CostCommand.Option).ToList();
            if (rest.Contains("-h") || rest.Contains("--help"))
            {
                output.WriteLine(Cost.CostCommand.Usage);
                return 0;
            }
            return Cost.CostCommand.Run(rest, output, error, settings);
        }
        var files = new List<string>();
        var targets = false;
        foreach (var arg in args)
        {
            switch (arg)
            {
                case "--targets": targets = true; break;
                case "-h" or "--help":
                    output.WriteLine(Usage);
                    return 0;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1)
                    {
                        error.WriteLine($"check-config: unknown option {arg}\n{Usage}");
                        return 2;
                    }
                    files.Add(arg);
                    break;
            }
        }
        if (files.Count == 0)
        {
            error.WriteLine($"check-config: name at least one configuration file\n{Usage}");
            return 2;
        }

        var failed = false;
        foreach (var file in files)
        {
            output.WriteLine($"Checking {file}");
            try
            {
                var config = new FileConfigSource(file).Parse(ReadFile(file));
                output.WriteLine($" SUCCESS: {file} is a valid fed-functions scrape configuration: {Summary(config)}");
                if (targets) WriteTargets(output, error, config);
            }
            catch (ConfigException ex)
            {
                failed = true;
                output.Flush();
                error.WriteLine($"  FAILED: {ConfigProblem.Describe(ex)}");
                error.Flush();
            }
            output.WriteLine();
        }
        return failed ? 1 : 0;
    }

    private static string ReadFile(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ConfigException($"{file}: cannot read configuration: {ex.Message}", ex);
        }
    }

    private static string Summary(FederationConfig config)
    {
        var summary = $"{Count(config.ScrapeConfigs.Count, "job")}, {Count(config.Targets().Count, "target")}";
        var dropped = config.DroppedTargets().Count;
        return dropped == 0 ? summary : $"{summary} ({dropped} dropped by relabel_configs)";
    }

    private static void WriteTargets(TextWriter output, TextWriter error, FederationConfig config)
    {
        var problems = new DiscoveryProblems();
        using var discovery = new TargetDiscovery(problems);
        // Bounded: HTTP discovery waits at most 15 s per endpoint (TargetDiscovery's own limit).
        var found = discovery.DiscoverAsync(config).GetAwaiter().GetResult();
        foreach (var job in config.ScrapeConfigs)
        {
            var active = found.Active.Where(t => ReferenceEquals(t.Job, job)).ToList();
            var dropped = found.Dropped.Where(t => ReferenceEquals(t.Job, job)).ToList();
            var droppedCount = found.DroppedCounts.TryGetValue(job.JobName, out var n) ? n : dropped.Count;
            output.WriteLine($"  job \"{job.JobName}\": {Count(active.Count, "target")}, {droppedCount} dropped");
            foreach (var target in active) output.WriteLine($"    {target.Url} {target.Labels}");
            foreach (var target in dropped) output.WriteLine($"    dropped: {target.DiscoveredLabels}");
        }
        output.Flush();
        foreach (var problem in problems.Messages) error.WriteLine($"  discovery: {problem}");
        error.Flush();
    }

    // Collects discovery problems for printing; check-config has no logs or metrics.
    private sealed class DiscoveryProblems : IDiscoveryObserver
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Messages { get; } = new();

        public void FileReadFailed(string path, string reason) => Messages.Enqueue($"error reading file {path}: {reason}");

        public void HttpRefreshFailed(string url, string reason) => Messages.Enqueue($"unable to refresh target groups from {url}: {reason}");

        public void TargetSkipped(string job, Labels discoveredLabels, string reason) => Messages.Enqueue($"job \"{job}\": target {discoveredLabels} skipped: {reason}");

        public void TargetLimitExceeded(string job, int targets, long limit) => Messages.Enqueue($"job \"{job}\": target_limit exceeded (number of targets: {targets}, limit: {limit})");
    }

    private static string Count(int n, string noun) => n.ToString(CultureInfo.InvariantCulture) + " " + noun + (n == 1 ? "" : "s");
}
