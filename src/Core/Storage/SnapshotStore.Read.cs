using Azure;
using Azure.Data.Tables;

namespace FedFunctions.Core.Storage;

public sealed partial class SnapshotStore
{
    private const int MaxPageSize = 1000;
    private const int MaxBlobRaceAttempts = 3;

    /// <summary>
    /// ListVersionsAsync lists the stored snapshots' keys, timestamps and ETags without payloads
    /// (selecting only the small columns), for all jobs or one job (one partition). It follows every
    /// continuation token and refreshes the ETag cache, so a scrape cycle that lists first writes with
    /// one request per target. An entity whose version columns are malformed (another schema, no timestamp)
    /// is listed with ScrapeTimestampMs 0, so it is due and the next scrape replaces it.
    /// </summary>
    /// <exception cref="SnapshotStoreException">Storage is unreachable or failed.</exception>
    public async Task<IReadOnlyList<SnapshotVersion>> ListVersionsAsync(string? job = null, CancellationToken cancellationToken = default)
    {
        var versions = new List<SnapshotVersion>();
        try
        {
            await foreach (var entity in QueryAsync(job, SnapshotEntity.VersionColumns, cancellationToken).ConfigureAwait(false))
            {
                var timestamp = SnapshotEntity.TimestampOrNull(entity);
                Remember(entity.PartitionKey, entity.RowKey, entity.ETag, timestamp ?? CorruptTimestamp, SnapshotEntity.BlobOf(entity));
                versions.Add(new SnapshotVersion(SnapshotEntity.KeyOf(entity), timestamp ?? 0, entity.ETag.ToString(), SnapshotEntity.BlobOf(entity)));
            }
        }
        catch (RequestFailedException ex) when (IsTableNotFound(ex))
        {
            _created = false; // nothing was ever scraped into this table, or it vanished: the next EnsureCreatedAsync creates it
            return [];
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            throw Wrap(job is null ? "listing snapshots" : $"listing snapshots of job \"{job}\"", ex);
        }
        return versions;
    }

    /// <summary>
    /// ReadAsync reads the full snapshots of all jobs, or of one job (one partition), following every
    /// continuation token and fetching spilled payloads from their blobs. Entities that are not well-formed
    /// snapshots are skipped and reported through <see cref="ISnapshotStoreObserver.CorruptEntity"/>.
    /// </summary>
    /// <exception cref="SnapshotStoreException">Storage is unreachable or failed.</exception>
    public async Task<IReadOnlyList<SnapshotRecord>> ReadAsync(string? job = null, CancellationToken cancellationToken = default)
    {
        var records = new List<SnapshotRecord>();
        try
        {
            await foreach (var entity in QueryAsync(job, null, cancellationToken).ConfigureAwait(false))
            {
                var record = await ToRecordAsync(entity, cancellationToken).ConfigureAwait(false);
                if (record is not null) records.Add(record);
            }
        }
        catch (RequestFailedException ex) when (IsTableNotFound(ex))
        {
            return [];
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            throw Wrap(job is null ? "reading snapshots" : $"reading snapshots of job \"{job}\"", ex);
        }
        return records;
    }

    private static bool IsTableNotFound(RequestFailedException ex) => ex.Status == 404 && ex.ErrorCode == "TableNotFound";

    /// <summary>
    /// ReadOneAsync reads the snapshot of one target, or null when none is stored or the stored entity is not a
    /// well-formed snapshot (then reported through <see cref="ISnapshotStoreObserver.CorruptEntity"/>).
    /// </summary>
    /// <exception cref="SnapshotStoreException">Storage is unreachable or failed.</exception>
    public async Task<SnapshotRecord?> ReadOneAsync(TargetKey key, CancellationToken cancellationToken = default)
    {
        var (partitionKey, rowKey) = SnapshotEntity.Keys(key);
        try
        {
            var entity = await GetAsync(partitionKey, rowKey, cancellationToken).ConfigureAwait(false);
            return entity is null ? null : await ToRecordAsync(entity, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            throw Wrap($"reading the snapshot of {Describe(key)}", ex);
        }
    }

    /// <summary>QueryAsync yields the entities of the table or of one job's partition, page by page until no continuation token is left.</summary>
    private async IAsyncEnumerable<TableEntity> QueryAsync(string? job, string[]? select,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = job is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.ToKey(job)}");
        string? continuation = null;
        do
        {
            // One page per request; a page may be empty and still carry a continuation token.
            var pages = _table.QueryAsync<TableEntity>(filter, MaxPageSize, select, cancellationToken).AsPages(continuation, MaxPageSize);
            Page<TableEntity>? page = null;
            await foreach (var first in pages.ConfigureAwait(false))
            {
                page = first;
                break;
            }
            if (page is null) yield break;
            foreach (var entity in page.Values) yield return entity;
            if (page.ContinuationToken is not null && page.ContinuationToken == continuation)
                throw new SnapshotStoreException($"storage request failed: the Table service returned the same continuation token twice (\"{continuation}\")");
            continuation = page.ContinuationToken;
        }
        while (continuation is not null);
    }

    private async Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// ToRecordAsync turns an entity into a record, downloading a spilled payload. When the blob is gone the
    /// entity was replaced meanwhile (and its old blob deleted), so the entity is read again; null when it was
    /// deleted, or when it is corrupt (reported, and skipped so other targets still read).
    /// </summary>
    private async Task<SnapshotRecord?> ToRecordAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            return await ToRecordCoreAsync(entity, cancellationToken).ConfigureAwait(false);
        }
        catch (CorruptEntityException ex)
        {
            ReportCorrupt(entity, ex);
            return null;
        }
    }

    private async Task<SnapshotRecord?> ToRecordCoreAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var timestamp = SnapshotEntity.TimestampOf(entity);
            var blob = SnapshotEntity.BlobOf(entity);
            if (blob is null)
            {
                var inline = SnapshotEntity.ToRecord(entity, null);
                Remember(entity.PartitionKey, entity.RowKey, entity.ETag, timestamp, null);
                return inline;
            }
            try
            {
                var content = await _container.GetBlobClient(blob).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
                var payload = content.Value.Content.ToMemory();
                if (SnapshotEntity.SpilledLength(entity) is { } length && length != payload.Length)
                    throw SnapshotEntity.Corrupt(entity, $"points to blob \"{blob}\" of {payload.Length} bytes, expected {length}");
                var spilled = SnapshotEntity.ToRecord(entity, payload);
                Remember(entity.PartitionKey, entity.RowKey, entity.ETag, timestamp, blob);
                return spilled;
            }
            catch (RequestFailedException ex) when (ex.Status == 404 && attempt + 1 < MaxBlobRaceAttempts)
            {
                var fresh = await GetAsync(entity.PartitionKey, entity.RowKey, cancellationToken).ConfigureAwait(false);
                if (fresh is null) return null;
                // Unchanged entity, missing blob: no write is in flight, the entity points at nothing.
                if (fresh.ETag == entity.ETag) throw SnapshotEntity.Corrupt(entity, $"points to blob \"{blob}\", which does not exist");
                entity = fresh;
            }
        }
    }
}
