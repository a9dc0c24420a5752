using Azure.Data.Tables;

namespace FedFunctions.Core.Storage;

/// <summary>
/// SnapshotEntity is the Table shape of a <see cref="SnapshotRecord"/>: one entity per target, keyed by
/// escaped job and target id, with the payload inline in binary chunks or in a blob named by
/// <see cref="BlobName"/>. The original job and target id are kept as properties because long keys are
/// hash-truncated and therefore not reversible.
/// </summary>
internal static class SnapshotEntity
{
    /// <summary>SchemaVersion is written to every entity so a later layout can be told apart.</summary>
    public const int SchemaVersion = 1;

    public const string SchemaProperty = "Schema";
    public const string JobProperty = "Job";
    public const string TargetIdProperty = "TargetId";
    public const string TimestampProperty = "ScrapeTimestampMs";
    public const string UpProperty = "Up";
    public const string TargetLabelsProperty = "TargetLabels";

    /// <summary>FixedProperties is the number of custom properties besides the payload ones.</summary>
    public const int FixedProperties = 6;

    /// <summary>MaxBlobNameChars is Blob storage's limit on a blob name.</summary>
    public const int MaxBlobNameChars = 1024;

    /// <summary>VersionColumns are the small columns <see cref="SnapshotStore.ListVersionsAsync"/> selects.</summary>
    public static readonly string[] VersionColumns =
        ["PartitionKey", "RowKey", SchemaProperty, JobProperty, TargetIdProperty, TimestampProperty, PayloadLayout.BlobProperty];

    /// <summary>Keys maps a target key to its PartitionKey and RowKey.</summary>
    /// <exception cref="ArgumentException">The job is empty or a part is longer than a string property allows.</exception>
    public static (string PartitionKey, string RowKey) Keys(TargetKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(key.Job, nameof(key.Job));
        ArgumentNullException.ThrowIfNull(key.TargetId, nameof(key.TargetId));
        return (TableKeys.ToKey(key.Job), TableKeys.ToKey(key.TargetId));
    }

    /// <summary>BlobPrefix is the folder (without trailing slash) holding the spilled payloads of one target.</summary>
    public static string BlobPrefix(string partitionKey, string rowKey)
    {
        // Keys never contain '/', so the prefix separates targets; over-long names fall back to hashes.
        var prefix = partitionKey + "/" + rowKey;
        return prefix.Length + 21 <= MaxBlobNameChars ? prefix : TableKeys.Hash16(partitionKey) + "/" + TableKeys.Hash16(rowKey);
    }

    /// <summary>BlobName is <c>&lt;partition&gt;/&lt;row&gt;/&lt;scrapeTimestamp&gt;</c>, the blob of one spilled snapshot.</summary>
    public static string BlobName(string partitionKey, string rowKey, long scrapeTimestampMs) =>
        BlobPrefix(partitionKey, rowKey) + "/" + scrapeTimestampMs.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>FixedBytes is the size of the keys and non-payload properties of <paramref name="record"/>.</summary>
    public static long FixedBytes(string partitionKey, string rowKey, SnapshotRecord record) =>
        EntitySize.Keys(partitionKey, rowKey)
        + EntitySize.Int32(SchemaProperty)
        + EntitySize.String(JobProperty, record.Key.Job)
        + EntitySize.String(TargetIdProperty, record.Key.TargetId)
        + EntitySize.Int64(TimestampProperty)
        + EntitySize.Boolean(UpProperty)
        + EntitySize.String(TargetLabelsProperty, record.TargetLabels);

    /// <summary>Validate checks what Table would reject in a record's string properties.</summary>
    /// <exception cref="ArgumentException">A string is longer than a Table string property allows.</exception>
    public static void Validate(SnapshotRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(record.TargetLabels, nameof(record.TargetLabels));
        CheckLength(record.Key.Job, "job name");
        CheckLength(record.Key.TargetId, "target id");
        CheckLength(record.TargetLabels, "target labels");
    }

    private static void CheckLength(string value, string what)
    {
        if (value.Length > EntitySize.MaxStringChars)
            throw new ArgumentException($"the {what} is {value.Length} chars long; Table storage allows at most {EntitySize.MaxStringChars} chars in a string property");
    }

    /// <summary>Build creates the entity for <paramref name="record"/> with the payload placed as <paramref name="layout"/> says.</summary>
    public static TableEntity Build(SnapshotRecord record, string partitionKey, string rowKey, PayloadLayout layout, string? blobName)
    {
        var entity = new TableEntity(partitionKey, rowKey)
        {
            [SchemaProperty] = SchemaVersion,
            [JobProperty] = record.Key.Job,
            [TargetIdProperty] = record.Key.TargetId,
            [TimestampProperty] = record.ScrapeTimestampMs,
            [UpProperty] = record.Up,
            [TargetLabelsProperty] = record.TargetLabels,
        };
        if (layout.Inline)
        {
            var payload = record.Payload.Span;
            entity[PayloadLayout.ChunksProperty] = layout.Chunks;
            for (var i = 0; i < layout.Chunks; i++)
            {
                var start = i * PayloadLayout.ChunkBytes;
                entity[PayloadLayout.ChunkProperty(i)] = payload.Slice(start, Math.Min(PayloadLayout.ChunkBytes, payload.Length - start)).ToArray();
            }
        }
        else
        {
            entity[PayloadLayout.BlobProperty] = blobName ?? throw new ArgumentNullException(nameof(blobName));
            entity[PayloadLayout.LengthProperty] = (long)record.Payload.Length;
        }
        return entity;
    }

    // Readers below tolerate any property type: a value of the wrong type reads as missing, so a foreign
    // or damaged entity is reported as corrupt instead of failing with the SDK's InvalidOperationException.

    /// <summary>KeyOf reads the target key of a stored entity (from its keys when the properties are missing).</summary>
    public static TargetKey KeyOf(TableEntity entity) => new(
        StringOf(entity, JobProperty) ?? UnescapeOrRaw(entity.PartitionKey),
        StringOf(entity, TargetIdProperty) ?? UnescapeOrRaw(entity.RowKey));

    /// <summary>
    /// VersionProblem says why the version columns (<see cref="VersionColumns"/>) of a stored entity are not
    /// those of a well-formed snapshot (another schema, no timestamp), or null when they are.
    /// </summary>
    public static string? VersionProblem(TableEntity entity)
    {
        var schema = ValueOf<int>(entity, SchemaProperty);
        if (schema is not SchemaVersion) return $"has schema {schema?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}, expected {SchemaVersion}";
        return ValueOf<long>(entity, TimestampProperty) is null ? $"has no {TimestampProperty} (Int64)" : null;
    }

    /// <summary>TimestampOrNull is the scrape timestamp of a stored entity, or null when its version columns are malformed.</summary>
    public static long? TimestampOrNull(TableEntity entity) =>
        VersionProblem(entity) is null ? ValueOf<long>(entity, TimestampProperty) : null;

    /// <summary>TimestampOf reads the scrape timestamp of a stored entity.</summary>
    /// <exception cref="CorruptEntityException">The entity has another schema or no timestamp.</exception>
    public static long TimestampOf(TableEntity entity) =>
        VersionProblem(entity) is { } problem ? throw Corrupt(entity, problem) : ValueOf<long>(entity, TimestampProperty)!.Value;

    /// <summary>BlobOf is the name of the blob holding the entity's payload, or null when it is inline.</summary>
    public static string? BlobOf(TableEntity entity) => StringOf(entity, PayloadLayout.BlobProperty);

    /// <summary>SpilledLength is the recorded byte length of a spilled payload.</summary>
    public static long? SpilledLength(TableEntity entity) => ValueOf<long>(entity, PayloadLayout.LengthProperty);

    /// <summary>ToRecord turns a full entity into a record, with <paramref name="spilled"/> as payload when it lives in a blob.</summary>
    /// <exception cref="CorruptEntityException">The entity is not a well-formed snapshot.</exception>
    public static SnapshotRecord ToRecord(TableEntity entity, ReadOnlyMemory<byte>? spilled)
    {
        var timestamp = TimestampOf(entity);
        var payload = spilled ?? InlinePayload(entity);
        return new SnapshotRecord(
            KeyOf(entity),
            timestamp,
            ValueOf<bool>(entity, UpProperty) ?? false,
            StringOf(entity, TargetLabelsProperty) ?? "",
            payload);
    }

    private static T? ValueOf<T>(TableEntity entity, string name) where T : struct =>
        entity.TryGetValue(name, out var value) && value is T typed ? typed : null;

    private static string? StringOf(TableEntity entity, string name) =>
        entity.TryGetValue(name, out var value) ? value as string : null;

    private static byte[]? BinaryOf(TableEntity entity, string name) =>
        entity.TryGetValue(name, out var value) ? value switch
        {
            byte[] bytes => bytes,
            BinaryData data => data.ToArray(),
            _ => null,
        } : null;

    private static string UnescapeOrRaw(string key)
    {
        try
        {
            return TableKeys.Unescape(key);
        }
        catch (FormatException)
        {
            return key; // not written by this store; the raw key still names the entity
        }
    }

    private static byte[] InlinePayload(TableEntity entity)
    {
        var chunks = ValueOf<int>(entity, PayloadLayout.ChunksProperty) ?? throw Corrupt(entity, $"has neither {PayloadLayout.ChunksProperty} nor {PayloadLayout.BlobProperty}");
        if (chunks is < 0 or > EntitySize.MaxCustomProperties) throw Corrupt(entity, $"has {chunks} payload chunks");
        var parts = new byte[chunks][];
        var total = 0;
        for (var i = 0; i < chunks; i++)
        {
            parts[i] = BinaryOf(entity, PayloadLayout.ChunkProperty(i)) ?? throw Corrupt(entity, $"lacks {PayloadLayout.ChunkProperty(i)}");
            total += parts[i].Length;
        }
        if (chunks == 1) return parts[0];
        var payload = new byte[total];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(payload, offset);
            offset += part.Length;
        }
        return payload;
    }

    /// <summary>Corrupt builds the error for an entity that is not a well-formed snapshot.</summary>
    public static CorruptEntityException Corrupt(TableEntity entity, string problem) =>
        new($"corrupt snapshot entity (PartitionKey \"{entity.PartitionKey}\", RowKey \"{entity.RowKey}\"): it {problem}");
}
