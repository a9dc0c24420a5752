namespace FedFunctions.Core.Tests.Snapshots;

/// <summary>SnapshotsTestPaths finds the shared exposition fixtures beside the repository.</summary>
internal static class SnapshotsTestPaths
{
    public static string Fixture(string fileName)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "fed-functions.sln"))) directory = directory.Parent;
        if (directory is null) throw new InvalidOperationException("repository root (fed-functions.sln) not found above " + AppContext.BaseDirectory);
        // <repo>/../shared/fixtures; a checkout nested one level deeper (a worktree) finds it further up.
        for (var parent = directory.Parent; parent is not null; parent = parent.Parent)
        {
            var candidate = Path.Combine(parent.FullName, "shared", "fixtures", fileName);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"fixture {fileName} not found in a shared/fixtures folder above {directory.FullName}");
    }
}
