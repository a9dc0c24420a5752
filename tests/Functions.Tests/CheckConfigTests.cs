using FedFunctions.Functions.Hosting;
using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// <c>check-config</c> run through the built executable, its verdict compared with <c>promtool check config</c>
/// (Prometheus 2.42) on the same files, for keys both know.
/// </summary>
public sealed class CheckConfigTests
{
    private static string App => Path.Combine(Path.GetDirectoryName(typeof(StandaloneApp).Assembly.Location)!, "FedFunctions.Functions.dll");

    /// <summary>Configurations, and the key the error must name (null: valid).</summary>
    public static TheoryData<string, string, string?> Configs => new()
    {
        { "valid", "global:\n  scrape_interval: 15s\n  external_labels: {region: eu}\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ['127.0.0.1:9100', '127.0.0.1:9101']\n        labels: {env: prod}\n", null },
        { "empty", "", null },
        { "relabel-drop", "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - source_labels: [__address__]\n        regex: '.*:2'\n        action: drop\n    static_configs:\n      - targets: ['x:1', 'y:2']\n", null },
        { "unknown-key", "global:\n  scrape_intervall: 15s\n", "scrape_intervall" },
        { "bad-duration", "scrape_configs:\n  - job_name: a\n    scrape_interval: 15x\n", "scrape_interval" },
        { "duplicate-job", "scrape_configs:\n  - job_name: a\n  - job_name: a\n", "job_name" },
        { "bad-regex", "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - source_labels: [x]\n        regex: '(unclosed'\n", "regex" },
        { "timeout-over-interval", "scrape_configs:\n  - job_name: a\n    scrape_interval: 10s\n    scrape_timeout: 20s\n", "scrape_timeout" },
        { "scheme-in-target", "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: ['http://x:1']\n", "targets" },
        { "two-auths", "scrape_configs:\n  - job_name: a\n    basic_auth: {username: u, password: p}\n    bearer_token: t\n", "bearer_token" },
        { "bad-yaml", "scrape_configs:\n - job_name: a\n   static_configs: [targets: [x:1]\n", null },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public async Task TheVerdictIsPromtoolsAndAProblemNamesFileLineAndKey(string name, string yaml, string? key)
    {
        var directory = Directory.CreateTempSubdirectory("fedfn-check-").FullName;
        try
        {
            var file = Path.Combine(directory, name + ".yml");
            await File.WriteAllTextAsync(file, yaml);
            var (promtoolValid, promtoolOutput) = Promtool.CheckConfigSyntax(file);
            var (exitCode, output) = Run("check-config", file);
            Assert.True(promtoolValid == (exitCode == 0), $"promtool says valid={promtoolValid} ({promtoolOutput}); check-config exited {exitCode}: {output}");
            Assert.StartsWith($"Checking {file}\n", output);
            if (exitCode == 0)
            {
                Assert.Contains($" SUCCESS: {file} is a valid fed-functions scrape configuration: ", output);
                Assert.DoesNotContain("FAILED", output);
            }
            else
            {
                Assert.Equal(1, exitCode);
                Assert.Matches($@"  FAILED: {System.Text.RegularExpressions.Regex.Escape(file)}:\d+: ", output);
                if (key is not null) Assert.Contains(key, output[output.IndexOf("FAILED", StringComparison.Ordinal)..]);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task EveryFileIsCheckedAndEachProblemNamed()
    {
        var directory = Directory.CreateTempSubdirectory("fedfn-check-").FullName;
        try
        {
            var valid = Path.Combine(directory, "valid.yml");
            var badKey = Path.Combine(directory, "bad-key.yml");
            var badDuration = Path.Combine(directory, "bad-duration.yml");
            await File.WriteAllTextAsync(valid, "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: ['x:1', 'x:2']\n  - job_name: b\n");
            await File.WriteAllTextAsync(badKey, "global:\n  scrape_intervall: 15s\n");
            await File.WriteAllTextAsync(badDuration, "scrape_configs:\n  - job_name: a\n    scrape_timeout: soon\n");
            var (exitCode, output) = Run("check-config", badKey, valid, badDuration, Path.Combine(directory, "missing.yml"));
            Assert.Equal(1, exitCode);
            Assert.Contains($" SUCCESS: {valid} is a valid fed-functions scrape configuration: 2 jobs, 2 targets", output);
            Assert.Contains($"  FAILED: {badKey}:2: unknown key \"scrape_intervall\" in global", output);
            Assert.Contains($"  FAILED: {badDuration}:3: ", output);
            Assert.Contains("scrape_timeout", output);
            Assert.Contains($"  FAILED: {Path.Combine(directory, "missing.yml")}: cannot read configuration", output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task TargetsPrintsEachJobsTargetsAfterRelabelingAndTheDroppedOnes()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, """
                scrape_configs:
                  - job_name: node
                    scheme: https
                    relabel_configs:
                      - source_labels: [__address__]
                        regex: '(.*):9101'
                        action: drop
                      - target_label: team
                        replacement: infra
                    static_configs:
                      - targets: ['a:9100', 'b:9101']
                        labels: {env: prod}
                """);
            var (exitCode, output) = Run("check-config", "--targets", file);
            Assert.Equal(0, exitCode);
            Assert.Contains("1 job, 1 target (1 dropped by relabel_configs)", output);
            Assert.Contains("  job \"node\": 1 target, 1 dropped\n", output);
            Assert.Contains("    https://a:9100/metrics {env=\"prod\", instance=\"a:9100\", job=\"node\", team=\"infra\"}\n", output);
            Assert.Matches("    dropped: \\{__address__=\"b:9101\", .*env=\"prod\", job=\"node\"\\}\n", output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task TargetsRunsFileDiscoveryOnceAndNamesABrokenFile()
    {
        var directory = Directory.CreateTempSubdirectory("fedfn-check-sd-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "good.json"), """[{"targets": ["a:9100", "b:9101"], "labels": {"env": "prod"}}]""");
            await File.WriteAllTextAsync(Path.Combine(directory, "broken.json"), "[{\"targets\": ");
            var config = Path.Combine(directory, "prometheus.yml");
            await File.WriteAllTextAsync(config, """
                scrape_configs:
                  - job_name: node
                    relabel_configs:
                      - source_labels: [__address__]
                        regex: '(.*):9101'
                        action: drop
                    file_sd_configs:
                      - files: ['*.json']
                """);
            var (exitCode, output) = Run("check-config", "--targets", config);
            Assert.Equal(0, exitCode);
            Assert.Contains("  job \"node\": 1 target, 1 dropped\n", output);
            Assert.Contains("    http://a:9100/metrics {env=\"prod\", instance=\"a:9100\", job=\"node\"}\n", output);
            Assert.Contains($"__meta_filepath=\"{Path.Combine(directory, "good.json")}\"", output);
            Assert.Contains($"  discovery: error reading file {Path.Combine(directory, "broken.json")}", output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void WithoutFilesItPrintsUsageAndExitsTwo()
    {
        var (exitCode, output) = Run("check-config");
        Assert.Equal(2, exitCode);
        Assert.Contains("usage: check-config [--targets] FILE...", output);
        (exitCode, output) = Run("check-config", "--lint", "x.yml");
        Assert.Equal(2, exitCode);
        Assert.Contains("unknown option --lint", output);
    }

    [Fact]
    public void DotnetRunStartsThisExecutableNotFuncStart()
    {
        // `dotnet run --project src/Functions -- check-config FILE` must reach the app, not the Worker Sdk's `func start`.
        var project = Path.Combine(RepoPaths.RepoRoot, "src", "Functions", "FedFunctions.Functions.csproj");
        using var msbuild = new ManagedProcess("dotnet", ["msbuild", project, "-nologo", "-t:ComputeRunArguments", "-getProperty:RunCommand", "-getProperty:RunArguments", "-getProperty:RunWorkingDirectory"]);
        Assert.True(msbuild.WaitForExit(TimeSpan.FromSeconds(120)), "msbuild did not finish: " + msbuild.Output);
        Assert.True(msbuild.ExitCode == 0, msbuild.Output);
        using var json = System.Text.Json.JsonDocument.Parse(msbuild.Output[msbuild.Output.IndexOf('{', StringComparison.Ordinal)..]);
        var properties = json.RootElement.GetProperty("Properties");
        Assert.Equal("dotnet", Path.GetFileName(properties.GetProperty("RunCommand").GetString()));
        Assert.StartsWith("exec \"", properties.GetProperty("RunArguments").GetString());
        Assert.EndsWith("FedFunctions.Functions.dll\"", properties.GetProperty("RunArguments").GetString());
        Assert.Equal("", properties.GetProperty("RunWorkingDirectory").GetString()); // relative FILEs resolve where you are
    }

    private static (int ExitCode, string Output) Run(params string[] args)
    {
        using var process = new ManagedProcess("dotnet", [App, .. args], Path.GetDirectoryName(App));
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "check-config did not finish: " + process.Output);
        return (process.ExitCode, process.Output.ReplaceLineEndings("\n"));
    }
}
