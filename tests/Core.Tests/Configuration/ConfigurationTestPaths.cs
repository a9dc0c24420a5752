namespace FedFunctions.Core.Tests.Configuration;

/// <summary>Locates the repository (folder holding fed-functions.sln) and this folder's testdata.</summary>
internal static class ConfigurationTestPaths
{
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (System.IO.File.Exists(Path.Combine(dir.FullName, "fed-functions.sln"))) return dir.FullName;
            }
            throw new InvalidOperationException("fed-functions.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string TestData => Path.Combine(RepoRoot, "tests", "Core.Tests", "Configuration", "testdata");

    public static string File(string name) => Path.Combine(TestData, name);
}
