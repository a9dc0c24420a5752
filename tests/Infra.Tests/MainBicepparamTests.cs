using System.Text.Json.Nodes;

namespace FedFunctions.Infra.Tests;

/// <summary>MainBicepparamTests compile the example parameter file against main.bicep.</summary>
public sealed class MainBicepparamTests
{
    [Fact]
    public async Task BuildParams_ProducesParametersForMain()
    {
        var result = await BicepCli.RunAsync(InfraTestPaths.BicepDir, "build-params", "main.bicepparam", "--stdout");
        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.True(string.IsNullOrWhiteSpace(result.StdErr), "diagnostics:\n" + result.StdErr);

        var output = JsonNode.Parse(result.StdOut)!;
        var parameters = JsonNode.Parse((string)output["parametersJson"]!)!["parameters"]!.AsObject();
        Assert.Equal("promfed", (string?)parameters["baseName"]?["value"]);
        Assert.Equal("0 */1 * * * *", (string?)parameters["scrapeSchedule"]?["value"]);
        Assert.Equal("prometheus.yml", (string?)parameters["configPath"]?["value"]);

        // Every parameter set in the file is declared by the template it is built with.
        var declared = JsonNode.Parse((string)output["templateJson"]!)!["parameters"]!.AsObject();
        foreach (var (name, _) in parameters)
        {
            Assert.True(declared.ContainsKey(name), name + " is not a parameter of main.bicep");
        }
    }
}
