namespace FedFunctions.Core.Tests.Snapshots;

/// <summary>SnapshotsTestPaths finds the shared exposition fixtures beside the repository.</summary>
internal static class SnapshotsTestPaths
{
    public static string Fixture(string fileName)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "fed-functions.sln"))) directory = directory.Parent;
        if (directory is null) throw new InvalidOperationException("repository root (fed-functions.sln) not found above " + AppContext.BaseDirectory);
        return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "fixtures", fileName));
    }
}
