namespace FedFunctions.Infra.Tests;

/// <summary>BicepLintTests run <c>bicep lint</c> with the repository's bicepconfig.json.</summary>
public sealed class BicepLintTests
{
    [Fact]
    public async Task Lint_MainAndItsModules_ReportsNothing()
    {
        // Linting main.bicep also lints every module it references.
        var result = await BicepCli.RunAsync(InfraTestPaths.BicepDir, "lint", "main.bicep");
        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.True(string.IsNullOrWhiteSpace(result.StdErr + result.StdOut), "lint diagnostics:\n" + result.StdErr + result.StdOut);
    }

    // Proves the config is picked up and strict: the same mistakes would slip through with defaults
    // (where these rules are warnings or off).
    [Theory]
    [InlineData("param unused string = 'x'\noutput o string = 'y'\n", "no-unused-params")]
    [InlineData("resource id 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {\n  name: 'x'\n  location: 'westeurope'\n}\n", "no-hardcoded-location")]
    [InlineData("var v = concat('a', 'b')\noutput o string = v\n", "prefer-interpolation")]
    public async Task Lint_WithRepositoryConfig_FailsOnRuleAsError(string bicep, string rule)
    {
        var dir = Directory.CreateTempSubdirectory("fedfn-lint-");
        try
        {
            File.Copy(Path.Combine(InfraTestPaths.BicepDir, "bicepconfig.json"), Path.Combine(dir.FullName, "bicepconfig.json"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "probe.bicep"), bicep);
            var result = await BicepCli.RunAsync(dir.FullName, "lint", "probe.bicep");
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains($"Error {rule}:", result.StdErr + result.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
