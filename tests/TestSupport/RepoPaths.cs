namespace FedFunctions.TestSupport;

/// <summary>RepoPaths finds the repository root (the folder with fed-functions.sln) and the shared fixtures beside it.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "fed-functions.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("fed-functions.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root.</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>The shared fixtures folder (<c>../shared/fixtures</c> beside the repository).</summary>
    public static string Fixtures => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures"));

    /// <summary>The bytes of a fixture file, e.g. <c>node_exporter-1.5.0.txt</c>.</summary>
    public static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(Fixtures, name));
}
