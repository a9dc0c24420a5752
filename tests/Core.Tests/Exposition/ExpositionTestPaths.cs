namespace FedFunctions.Core.Tests.Exposition;

/// <summary>
/// Finds the shared exposition fixtures: <c>&lt;repo&gt;/../shared/fixtures</c>, where the repo is the folder
/// holding fed-functions.sln (searching further up too, so git worktrees nested one level deeper work).
/// </summary>
internal static class ExpositionTestPaths
{
    public static string Fixture(string fileName)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "fed-functions.sln"))) dir = dir.Parent;
        for (var up = dir?.Parent; up is not null; up = up.Parent)
        {
            var candidate = Path.Combine(up.FullName, "shared", "fixtures", fileName);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"fixture {fileName} not found beside the repository (fed-functions.sln)");
    }

    public static byte[] ReadFixture(string fileName) => File.ReadAllBytes(Fixture(fileName));
}
