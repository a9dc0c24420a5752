using FedFunctions.Core.Model;
using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Tests.Storage;

/// <summary>Tests of <see cref="SnapshotStore"/> that need no storage: connections, names and keys.</summary>
public sealed class SnapshotStoreSettingsTests
{
    [Fact]
    public void Create_ConnectsWithAConnectionString()
    {
        var (tables, blobs) = SnapshotStore.CreateClients(StorageConnection.FromConnectionString(StorageConnection.DevelopmentStorage));
        Assert.Equal("devstoreaccount1", tables.AccountName);
        Assert.Equal("devstoreaccount1", blobs.AccountName);
    }

    [Fact]
    public void Create_UsesIdentityBasedUris()
    {
        var (tables, blobs) = SnapshotStore.CreateClients(StorageConnection.WithIdentity(
            new Uri("https://acct.table.core.windows.net"), new Uri("https://acct.blob.core.windows.net"), "00000000-0000-0000-0000-000000000001"));
        Assert.Equal("acct", tables.AccountName);
        Assert.Equal(new Uri("https://acct.blob.core.windows.net"), blobs.Uri);
    }

    [Fact]
    public void Create_RefusesAMalformedConnectionStringWithoutRepeatingIt()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => SnapshotStore.Create(StorageConnection.FromConnectionString("AccountKey=c2VjcmV0;this is not a connection string")));
        Assert.StartsWith("not a valid storage connection string", ex.Message);
        Assert.DoesNotContain("c2VjcmV0", ex.Message);
    }

    [Fact]
    public void AConnectionPrintsNoSecret() =>
        Assert.DoesNotContain("c2VjcmV0", StorageConnection.FromConnectionString("AccountName=a;AccountKey=c2VjcmV0").ToString());

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
        var (tables, blobs) = SnapshotStore.CreateClients(StorageConnection.FromConnectionString(StorageConnection.DevelopmentStorage));
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
