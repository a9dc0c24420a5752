namespace FedFunctions.Core.Tests.Scraping;

/// <summary>Finds the shared exposition fixtures: <c>shared/fixtures</c> beside the repository or one of its parents.</summary>
internal static class ScrapingTestPaths
{
    public static string Fixtures
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, "fed-functions.sln"))) continue;
                for (var up = dir.Parent; up is not null; up = up.Parent)
                {
                    var candidate = Path.Combine(up.FullName, "shared", "fixtures");
                    if (Directory.Exists(candidate)) return candidate;
                }
            }
            throw new InvalidOperationException("shared/fixtures not found above the repository");
        }
    }

    public static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(Fixtures, name));
}
