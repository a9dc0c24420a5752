using FedFunctions.Core.Model;
using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Tests.Storage;

/// <summary>Tests of <see cref="SnapshotStore"/> that need no storage: connections and names (keys: TargetKeyEncodingTests).</summary>
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
}
