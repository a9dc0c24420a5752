using System.IO.Compression;
using System.Text.Json;
using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests;

/// <summary>The zip <c>scripts/package.sh</c> writes, opened as the platform reads it: the app root at the zip root.</summary>
public sealed class DeployPackageTests
{
    [Fact]
    public async Task ThePackageHoldsThePublishedWorkerAndTheScrapeConfigAtItsRoot()
    {
        var directory = Directory.CreateTempSubdirectory("fedfn-package-").FullName;
        try
        {
            var config = Path.Combine(directory, "prometheus.yml");
            await File.WriteAllTextAsync(config, "scrape_configs:\n  - job_name: deployed\n    static_configs:\n      - targets: ['exporter.example:9100']\n");
            var zipPath = Path.Combine(directory, "out", "app.zip");
            using (var script = new ManagedProcess("bash", [Path.Combine(RepoPaths.RepoRoot, "scripts", "package.sh"), config, zipPath], RepoPaths.RepoRoot))
            {
                // About a minute on CI; the bound only stops a hung publish (a loaded machine once took over 5 minutes).
                Assert.True(script.WaitForExit(TimeSpan.FromMinutes(12)), "package.sh did not finish: " + script.Output);
                Assert.True(script.ExitCode == 0, "package.sh failed: " + script.Output);
            }

            using var zip = ZipFile.OpenRead(zipPath);
            var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            foreach (var file in new[] { "host.json", "functions.metadata", "worker.config.json", "extensions.json", "FedFunctions.Functions.dll", "FedFunctions.Core.dll", "FedFunctions.Functions.runtimeconfig.json", "prometheus.yml" })
                Assert.Contains(file, names);
            Assert.DoesNotContain(names, n => n.EndsWith("function.json", StringComparison.Ordinal) || n == "local.settings.json");

            // extensions.json points into .azurefunctions/: what it names must be in the package too.
            using (var extensions = JsonDocument.Parse(Read(zip, "extensions.json")))
            {
                foreach (var extension in extensions.RootElement.GetProperty("extensions").EnumerateArray())
                {
                    var hint = extension.GetProperty("hintPath").GetString()!;
                    Assert.Contains(hint.StartsWith("./", StringComparison.Ordinal) ? hint[2..] : hint, names);
                }
            }

            // Framework-dependent for the dotnet-isolated runtime: .NET comes from the platform, not the zip.
            using (var runtimeConfig = JsonDocument.Parse(Read(zip, "FedFunctions.Functions.runtimeconfig.json")))
            {
                var options = runtimeConfig.RootElement.GetProperty("runtimeOptions");
                Assert.True(options.TryGetProperty("frameworks", out _) || options.TryGetProperty("framework", out _), "not framework-dependent");
            }
            Assert.DoesNotContain("System.Private.CoreLib.dll", names);

            using (var metadata = JsonDocument.Parse(Read(zip, "functions.metadata")))
                Assert.Equal(9, metadata.RootElement.GetArrayLength()); // FunctionsMetadataTests names them (ScrapeShard is the ninth)
            Assert.Contains("job_name: deployed", Read(zip, "prometheus.yml"));
            Assert.Contains("\"routePrefix\": \"\"", Read(zip, "host.json"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Read(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }
}
