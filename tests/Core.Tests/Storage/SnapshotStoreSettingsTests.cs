using FedFunctions.Core.Model;
using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Tests.Storage;

/// <summary>Tests of <see cref="SnapshotStore"/> that need no storage: settings, names and keys.</summary>
public sealed class SnapshotStoreSettingsTests
{
    private static Func<string, string?> Settings(params (string Name, string Value)[] settings) =>
        name => settings.FirstOrDefault(s => s.Name == name).Value;

    public static TheoryData<(string, string)[], string> Inconsistent => new()
    {
        { [("FederationStorage", "UseDevelopmentStorage=true"), ("FederationStorage__tableServiceUri", "https://a.table.core.windows.net")], "set only one" },
        { [("FederationStorage__tableServiceUri", "https://a.table.core.windows.net")], "FederationStorage__blobServiceUri is missing" },
        { [("FederationStorage__blobServiceUri", "https://a.blob.core.windows.net")], "FederationStorage__tableServiceUri is missing" },
        { [("FederationStorage__clientId", "00000000-0000-0000-0000-000000000000")], "only applies to identity-based access" },
        { [("FederationStorage__tableServiceUri", "not a uri"), ("FederationStorage__blobServiceUri", "https://a.blob.core.windows.net")], "must be an absolute http(s) URI" },
        { [("FederationStorage", "this is not a connection string")], "not a valid storage connection string" },
    };

    [Theory]
    [MemberData(nameof(Inconsistent))]
    public void FromSettings_RejectsInconsistentSettings((string, string)[] settings, string message)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => SnapshotStore.FromSettings(Settings(settings)));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void FromSettings_DefaultsToDevelopmentStorage()
    {
        var (tables, blobs) = SnapshotStore.CreateClients(Settings());
        Assert.Equal("devstoreaccount1", tables.AccountName);
        Assert.Equal("devstoreaccount1", blobs.AccountName);
    }

    [Fact]
    public void FromSettings_UsesIdentityBasedUris()
    {
        var (tables, blobs) = SnapshotStore.CreateClients(Settings(
            ("FederationStorage__tableServiceUri", "https://acct.table.core.windows.net"),
            ("FederationStorage__blobServiceUri", "https://acct.blob.core.windows.net"),
            ("FederationStorage__clientId", "00000000-0000-0000-0000-000000000001")));
        Assert.Equal("acct", tables.AccountName);
        Assert.Equal(new Uri("https://acct.blob.core.windows.net"), blobs.Uri);
    }

    [Theory]
    [InlineData("ab", "fedsnapshots")]
    [InlineData("1table", "fedsnapshots")]
    [InlineData("tables", "fedsnapshots")]
    [InlineData("fed_snapshots", "fedsnapshots")]
    [InlineData("fedsnapshots", "Upper")]
    [InlineData("fedsnapshots", "a--b")]
    [InlineData("fedsnapshots", "-ab")]
    public void Constructor_RejectsInvalidNames(string table, string container)
    {
        var (tables, blobs) = SnapshotStore.CreateClients(Settings());
        var ex = Assert.Throws<ArgumentException>(() => new SnapshotStore(tables, blobs, new SnapshotStoreOptions { TableName = table, ContainerName = container }));
        Assert.StartsWith("invalid", ex.Message);
    }

    public static TheoryData<string, Labels, string> Keys => new()
    {
        { "node", Labels.Of("instance", "host:9100", "job", "node"), "^host:9100~[0-9a-f]{16}$" },
        { "node", Labels.Of("job", "node"), "^~[0-9a-f]{16}$" },
        { "web", Labels.Of("instance", "http://h/x?y#z", "job", "web"), "^http:%2F%2Fh%2Fx%3Fy%23z~[0-9a-f]{16}$" },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void KeyFor_IsEscapedInstanceAndHash(string job, Labels labels, string pattern)
    {
        var key = SnapshotStore.KeyFor(job, labels);
        Assert.Equal(job, key.Job);
        Assert.Matches(pattern, key.TargetId);
        Assert.Equal(key, SnapshotStore.KeyFor(job, Labels.From(labels.Reverse())));
    }

    [Fact]
    public void KeyFor_DistinguishesLabelSetsWithTheSameInstance()
    {
        var a = SnapshotStore.KeyFor("node", Labels.Of("instance", "h:1", "job", "node", "zone", "a"));
        var b = SnapshotStore.KeyFor("node", Labels.Of("instance", "h:1", "job", "node", "zone", "b"));
        Assert.NotEqual(a.TargetId, b.TargetId);
    }

    [Fact]
    public void KeyFor_BoundsLongInstances()
    {
        var key = SnapshotStore.KeyFor("node", Labels.Of("instance", new string('/', 1000)));
        Assert.True(key.TargetId.Length <= SnapshotStore.MaxInstanceChars + TableKeys.HashSuffixChars);
        Assert.Matches("^(%2F)+~[0-9a-f]{16}$", key.TargetId);
    }
}
