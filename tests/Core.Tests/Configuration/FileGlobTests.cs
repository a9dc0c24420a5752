using FedFunctions.Core.Configuration;
using FedFunctions.Core.Tests.Discovery;

namespace FedFunctions.Core.Tests.Configuration;

// file_sd_configs patterns, expanded as Go's filepath.Glob does for wildcards in the file name.
public sealed class FileGlobTests : IDisposable
{
    private readonly SdFolder _folder = new();

    public FileGlobTests()
    {
        foreach (var name in new[] { "a.json", "b.json", "node-1.yml", "node-10.yml", "c.json.bak", ".hidden.json", "x*.json" })
            File.WriteAllText(_folder.File(name), "[]");
    }

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("*.json", ".hidden.json,a.json,b.json,x*.json")]
    [InlineData("node-?.yml", "node-1.yml")]
    [InlineData("node-*.yml", "node-1.yml,node-10.yml")]
    [InlineData("[ab].json", "a.json,b.json")]
    [InlineData("[^a].json", "b.json")]
    [InlineData("[a-a].json", "a.json")]
    [InlineData("x\\*.json", "x*.json")]
    [InlineData("a.json", "a.json")]
    [InlineData("missing.json", "")]
    [InlineData("missing/*.json", "")]
    public void ExpandsLikeGo(string pattern, string expected)
    {
        var found = FileGlob.Expand(Path.Combine(_folder.Path, pattern)).Select(Path.GetFileName);
        Assert.Equal(expected, string.Join(",", found));
    }

    [Theory]
    [InlineData("/sd/*.json", true, "")]
    [InlineData("/sd/[]a.json", false, "syntax error in pattern")]
    [InlineData("/sd/[a-.json", false, "syntax error in pattern")]
    [InlineData("/sd/[z-a].json", false, "syntax error in pattern")]
    [InlineData("/sd/a\\", false, "syntax error in pattern")]
    [InlineData("/s?/a.json", false, "wildcards are only supported in the file name, not in folders")]
    [InlineData("/s[d]/a.json", false, "wildcards are only supported in the file name, not in folders")]
    public void RefusesWhatItCannotExpand(string pattern, bool valid, string reason)
    {
        Assert.Equal(valid, FileGlob.IsValid(pattern, out var why));
        Assert.Equal(reason, why);
    }
}
