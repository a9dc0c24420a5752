using System.Reflection;

namespace FedFunctions.Infra.Tests;

/// <summary>InfraTestPaths locates the repository root, the Bicep sources and the Bicep CLI restored from NuGet.</summary>
public static class InfraTestPaths
{
    /// <summary>RepoRoot is the folder that holds fed-functions.sln.</summary>
    public static string RepoRoot => FedFunctions.TestSupport.RepoPaths.RepoRoot;

    /// <summary>BicepDir is <c>infra/bicep</c>.</summary>
    public static string BicepDir => Path.Combine(RepoRoot, "infra", "bicep");

    /// <summary>BicepExecutable is <c>tools/bicep</c> of the Azure.Bicep.CommandLine.linux-x64 package, recorded at build time.</summary>
    public static string BicepExecutable { get; } = ReadBicepPath();

    private static string ReadBicepPath()
    {
        var path = typeof(InfraTestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BicepPath")?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Bicep CLI not found at \"{path}\": restore tests/Infra.Tests (package Azure.Bicep.CommandLine.linux-x64).");
        }

        return path;
    }
}
