using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Tests.Storage;

public sealed class SnapshotEntityTests
{
    private static SnapshotRecord Record(int payloadLength, string job = "node", string targetId = "host:9100~0123456789abcdef")
    {
        var payload = new byte[payloadLength];
        for (var i = 0; i < payload.Length; i++) payload[i] = (byte)(i * 31 + 7);
        return new SnapshotRecord(new TargetKey(job, targetId), 1_700_000_000_123, true, "{instance=\"host:9100\", job=\"node\"}", payload);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(PayloadLayout.ChunkBytes)]
    [InlineData(PayloadLayout.ChunkBytes * 3 + 17)]
    [InlineData(15 * PayloadLayout.ChunkBytes)]
    public void Build_InlineRoundTripsThroughChunks(int payloadLength)
    {
        var record = Record(payloadLength);
        var (pk, rk) = SnapshotEntity.Keys(record.Key);
        var layout = PayloadLayout.Plan(SnapshotEntity.FixedBytes(pk, rk, record), SnapshotEntity.FixedProperties, payloadLength, "unused");

        var entity = SnapshotEntity.Build(record, pk, rk, layout, null);
        var back = SnapshotEntity.ToRecord(entity, null);

        Assert.True(layout.Inline);
        Assert.Equal(layout.Chunks, entity.GetInt32(PayloadLayout.ChunksProperty));
        Assert.True(entity.Count - 2 <= EntitySize.MaxCustomProperties);
        Assert.All(Enumerable.Range(0, layout.Chunks), i => Assert.True(entity.GetBinary(PayloadLayout.ChunkProperty(i))!.Length <= PayloadLayout.ChunkBytes));
        Assert.Equal(record.Key, back.Key);
        Assert.Equal(record.ScrapeTimestampMs, back.ScrapeTimestampMs);
        Assert.Equal(record.Up, back.Up);
        Assert.Equal(record.TargetLabels, back.TargetLabels);
        Assert.True(record.Payload.Span.SequenceEqual(back.Payload.Span));
    }

    [Fact]
    public void Build_SpillRecordsBlobAndLength()
    {
        var record = Record(2 * 1024 * 1024);
        var (pk, rk) = SnapshotEntity.Keys(record.Key);
        var blob = SnapshotEntity.BlobName(pk, rk, record.ScrapeTimestampMs);
        var layout = PayloadLayout.Plan(SnapshotEntity.FixedBytes(pk, rk, record), SnapshotEntity.FixedProperties, record.Payload.Length, blob);

        var entity = SnapshotEntity.Build(record, pk, rk, layout, blob);

        Assert.False(layout.Inline);
        Assert.Equal(blob, SnapshotEntity.BlobOf(entity));
        Assert.Equal(record.Payload.Length, SnapshotEntity.SpilledLength(entity));
        Assert.Null(entity.GetInt32(PayloadLayout.ChunksProperty));
    }

    [Theory]
    [InlineData("node", "host:9100~00", "node/host:9100~00/42")]
    [InlineData("a/b", "c#d", "a%2Fb/c%23d/42")]
    public void BlobName_IsPartitionRowTimestamp(string job, string targetId, string expected)
    {
        var (pk, rk) = SnapshotEntity.Keys(new TargetKey(job, targetId));
        Assert.Equal(expected, SnapshotEntity.BlobName(pk, rk, 42));
    }

    [Fact]
    public void BlobName_FallsBackToHashesWhenTooLong()
    {
        var (pk, rk) = SnapshotEntity.Keys(new TargetKey(new string('j', 600), new string('t', 600)));
        var name = SnapshotEntity.BlobName(pk, rk, long.MaxValue);

        Assert.True(name.Length <= SnapshotEntity.MaxBlobNameChars);
        Assert.Matches("^[0-9a-f]{16}/[0-9a-f]{16}/9223372036854775807$", name);
    }

    [Theory]
    [InlineData("", "id")]
    public void Keys_RejectsEmptyJob(string job, string targetId) =>
        Assert.Throws<ArgumentException>(() => SnapshotEntity.Keys(new TargetKey(job, targetId)));

    [Fact]
    public void Validate_RejectsStringsTableCannotHold()
    {
        var record = Record(1) with { TargetLabels = new string('x', EntitySize.MaxStringChars + 1) };
        var ex = Assert.Throws<ArgumentException>(() => SnapshotEntity.Validate(record));
        Assert.Contains("target labels", ex.Message);
    }

    [Fact]
    public void ToRecord_ReportsCorruptEntities()
    {
        var record = Record(10);
        var (pk, rk) = SnapshotEntity.Keys(record.Key);
        var layout = PayloadLayout.Plan(SnapshotEntity.FixedBytes(pk, rk, record), SnapshotEntity.FixedProperties, 10, "unused");
        var entity = SnapshotEntity.Build(record, pk, rk, layout, null);
        entity.Remove(PayloadLayout.ChunkProperty(0));

        var ex = Assert.Throws<CorruptEntityException>(() => SnapshotEntity.ToRecord(entity, null));
        Assert.Contains("lacks Payload0", ex.Message);
    }

    public static TheoryData<string, object?, object?, string?> VersionColumns => new()
    {
        { "well-formed", 1, 1_700_000_000_123L, null },
        { "other schema", 2, 1_700_000_000_123L, "has schema 2, expected 1" },
        { "no schema", null, 1_700_000_000_123L, "has schema (none)" },
        { "schema of the wrong type", "1", 1_700_000_000_123L, "has schema (none)" },
        { "no timestamp", 1, null, "has no ScrapeTimestampMs" },
        { "Int32 timestamp", 1, 5, "has no ScrapeTimestampMs" },
        { "string timestamp", 1, "5", "has no ScrapeTimestampMs" },
    };

    [Theory]
    [MemberData(nameof(VersionColumns))]
    public void VersionProblem_ToleratesMissingAndMistypedColumns(string name, object? schema, object? timestamp, string? problem)
    {
        var entity = new Azure.Data.Tables.TableEntity("node", "t") { [SnapshotEntity.SchemaProperty] = schema, [SnapshotEntity.TimestampProperty] = timestamp };

        Assert.True(problem is null == (SnapshotEntity.VersionProblem(entity) is null), name);
        if (problem is null)
        {
            Assert.Equal(1_700_000_000_123L, SnapshotEntity.TimestampOrNull(entity));
            Assert.Equal(1_700_000_000_123L, SnapshotEntity.TimestampOf(entity));
        }
        else
        {
            Assert.StartsWith(problem, SnapshotEntity.VersionProblem(entity));
            Assert.Null(SnapshotEntity.TimestampOrNull(entity));
            Assert.Contains(problem, Assert.Throws<CorruptEntityException>(() => SnapshotEntity.TimestampOf(entity)).Message);
        }
    }

    [Theory]
    [InlineData("node", "t", "node", "t")]
    [InlineData("a%2Fb", "x%zz", "a/b", "x%zz")]
    public void KeyOf_FallsBackToTheKeysWhenPropertiesAreMissing(string partitionKey, string rowKey, string job, string targetId)
    {
        var entity = new Azure.Data.Tables.TableEntity(partitionKey, rowKey) { [SnapshotEntity.JobProperty] = 42 };

        Assert.Equal(new TargetKey(job, targetId), SnapshotEntity.KeyOf(entity));
    }
}
