using System.Collections.Concurrent;
using Azure.Data.Tables;
using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Tests.Storage;

/// <summary>A malformed entity affects only its own target: listed as due, skipped and reported on read, replaced by a write, deletable.</summary>
public sealed partial class SnapshotStoreTests
{
    private const long BadTimestamp = 5000;

    /// <summary>Malformed entities: case name, whether the version columns themselves are bad (listed at 0), and the expected reason.</summary>
    public static TheoryData<string, bool, string> CorruptEntities => new()
    {
        { "no-timestamp", true, "has no ScrapeTimestampMs" },
        { "timestamp-is-a-string", true, "has no ScrapeTimestampMs" },
        { "schema-2", true, "has schema 2, expected 1" },
        { "no-schema", true, "has schema (none)" },
        { "missing-chunk", false, "lacks Payload1" },
        { "no-chunk-count", false, "has neither PayloadChunks nor PayloadBlob" },
        { "missing-blob", false, "which does not exist" },
        { "wrong-blob-length", false, "of 50 bytes, expected 100" },
    };

    /// <summary>InsertCorruptAsync writes a malformed entity for target ("node", "bad") directly, bypassing the store.</summary>
    private async Task<TargetKey> InsertCorruptAsync(string kind)
    {
        var record = Record("node", "bad", BadTimestamp, kind == "missing-chunk" ? 2 * PayloadLayout.ChunkBytes + 10 : 100);
        var (pk, rk) = SnapshotEntity.Keys(record.Key);
        var blobName = SnapshotEntity.BlobName(pk, rk, BadTimestamp);
        var spilled = kind is "missing-blob" or "wrong-blob-length";
        var layout = spilled
            ? new PayloadLayout(false, 0, 0)
            : PayloadLayout.Plan(SnapshotEntity.FixedBytes(pk, rk, record), SnapshotEntity.FixedProperties, record.Payload.Length, blobName);
        var entity = SnapshotEntity.Build(record, pk, rk, layout, spilled ? blobName : null);
        switch (kind)
        {
            case "no-timestamp": entity.Remove(SnapshotEntity.TimestampProperty); break;
            case "timestamp-is-a-string": entity[SnapshotEntity.TimestampProperty] = "yesterday"; break;
            case "schema-2": entity[SnapshotEntity.SchemaProperty] = 2; break;
            case "no-schema": entity.Remove(SnapshotEntity.SchemaProperty); break;
            case "missing-chunk":
                Assert.Equal(3, entity.GetInt32(PayloadLayout.ChunksProperty));
                entity.Remove(PayloadLayout.ChunkProperty(1));
                entity.Remove(PayloadLayout.ChunkProperty(2));
                break;
            case "no-chunk-count": entity.Remove(PayloadLayout.ChunksProperty); break;
            case "missing-blob": break;
            case "wrong-blob-length": await Container.UploadBlobAsync(blobName, new BinaryData(new byte[50])); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
        await Tables.GetTableClient(_options.TableName).AddEntityAsync(entity);
        return record.Key;
    }

    private SnapshotStore NewStore(ConcurrentQueue<(TargetKey Key, string Reason)> reports) => NewStore(new CorruptReports(reports));

    /// <summary>Collects what the store reports as corrupt; a re-creation is not expected here.</summary>
    private sealed class CorruptReports(ConcurrentQueue<(TargetKey Key, string Reason)> reports) : ISnapshotStoreObserver
    {
        public void StorageRecreated(string reason) => throw new InvalidOperationException($"unexpected re-creation: {reason}");

        public void CorruptEntity(TargetKey key, string reason) => reports.Enqueue((key, reason));
    }

    [Theory]
    [MemberData(nameof(CorruptEntities))]
    public async Task CorruptEntity_AffectsOnlyItsOwnTarget(string kind, bool badVersion, string reason)
    {
        var good = Record("node", "good", 100);
        var bigGood = Record("node", "big", 100, 2 * 1024 * 1024);
        Assert.True(await NewStore().UpsertAsync(good));
        Assert.True(await NewStore().UpsertAsync(bigGood));
        var bad = await InsertCorruptAsync(kind);
        var reports = new ConcurrentQueue<(TargetKey Key, string Reason)>();

        // Listing never throws; a bad version reads as 0 (due), a bad payload is only found on read.
        var versions = await NewStore(reports).ListVersionsAsync();
        Assert.Equal([(bad, badVersion ? 0 : BadTimestamp), (bigGood.Key, 100L), (good.Key, 100L)],
            versions.Select(v => (v.Key, v.ScrapeTimestampMs)).OrderBy(v => v.Key.TargetId));
        Assert.Empty(reports);

        // Reading all, one job, or the bad target alone skips it and reports it with its reason.
        var all = await NewStore(reports).ReadAsync();
        Assert.Equal([bigGood.Key, good.Key], all.Select(r => r.Key).OrderBy(k => k.TargetId));
        AssertSame(good, all.Single(r => r.Key == good.Key));
        AssertSame(bigGood, all.Single(r => r.Key == bigGood.Key));
        Assert.Equal(2, (await NewStore(reports).ReadAsync("node")).Count);
        Assert.Null(await NewStore(reports).ReadOneAsync(bad));
        AssertSame(good, await NewStore(reports).ReadOneAsync(good.Key));
        Assert.Equal(3, reports.Count);
        Assert.All(reports, r =>
        {
            Assert.Equal(bad, r.Key);
            Assert.Contains(reason, r.Reason);
        });

        // A write repairs it. With a bad version even an older scrape wins: a stored entity that cannot be read counts as older.
        var repair = Record("node", "bad", badVersion ? 1 : BadTimestamp + 1, 300);
        Assert.True(await NewStore().UpsertAsync(repair));
        reports.Clear();
        AssertSame(repair, await NewStore(reports).ReadOneAsync(bad));
        Assert.Equal(3, (await NewStore(reports).ReadAsync()).Count);
        Assert.Empty(reports);
        Assert.Equal([SnapshotEntity.BlobName(SnapshotEntity.Keys(bigGood.Key).PartitionKey, SnapshotEntity.Keys(bigGood.Key).RowKey, 100)], await BlobNamesAsync());
    }

    [Theory]
    [MemberData(nameof(CorruptEntities))]
    public async Task CorruptEntity_ReadByThisStore_IsReplacedWithOneWrite(string kind, bool badVersion, string reason)
    {
        _ = badVersion;
        var bad = await InsertCorruptAsync(kind);
        var reports = new ConcurrentQueue<(TargetKey Key, string Reason)>();
        var store = NewStore(reports);
        Assert.Empty(await store.ReadAsync());
        Assert.Contains(reason, Assert.Single(reports).Reason);

        // The read cached the entity's ETag as the oldest version: the next write is one conditional PUT, whatever
        // its timestamp (plus deleting the blob the bad entity pointed to, if any).
        _requests.Reset();
        var repair = Record("node", "bad", 1, 10);
        Assert.True(await store.UpsertAsync(repair));
        Assert.Equal(kind is "missing-blob" or "wrong-blob-length" ? ["PUT", "DELETE"] : ["PUT"], _requests.Methods);
        AssertSame(repair, await NewStore().ReadOneAsync(bad));
        Assert.Empty(await BlobNamesAsync());
    }

    [Theory]
    [MemberData(nameof(CorruptEntities))]
    public async Task CorruptEntity_IsRemovedByDeleteExcept(string kind, bool badVersion, string reason)
    {
        _ = (badVersion, reason);
        var good = Record("node", "good", 100);
        var store = NewStore();
        Assert.True(await store.UpsertAsync(good));
        await InsertCorruptAsync(kind);

        Assert.Equal(1, await store.DeleteExceptAsync(new HashSet<TargetKey> { good.Key }));

        var versions = await NewStore().ListVersionsAsync();
        Assert.Equal(good.Key, Assert.Single(versions).Key);
        Assert.Empty(await BlobNamesAsync());
    }
}
