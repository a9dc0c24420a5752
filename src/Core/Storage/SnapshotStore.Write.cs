using Azure;
using Azure.Data.Tables;

namespace FedFunctions.Core.Storage;

public sealed partial class SnapshotStore
{
    /// <summary>
    /// UpsertAsync stores <paramref name="record"/> as its target's snapshot unless a newer one is already stored.
    /// With a known ETag this is one conditional write (plus a blob upload when the payload spills);
    /// on a conflict or after a restart the stored timestamp is read and the write retried.
    /// A spilled payload's blob is written before the entity that points to it, and the previous blob is
    /// deleted (best effort) after the entity was replaced. When the entity write fails, is cancelled or loses
    /// to a newer snapshot, the new blob is deleted again (best effort). A stored entity that is not a
    /// well-formed snapshot counts as older than any scrape and is replaced. When the table or the container
    /// is found missing (storage recreated empty), both are created again, reported to the
    /// <see cref="ISnapshotStoreObserver"/>, and the write is retried once.
    /// Cancelling leaves the previous snapshot or the new one stored whole, never a mix.
    /// </summary>
    /// <returns>True when stored; false when a newer snapshot was already stored (it is left untouched).</returns>
    /// <exception cref="ArgumentException">The record's key or strings exceed Table limits.</exception>
    /// <exception cref="SnapshotStoreException">Storage is unreachable or failed.</exception>
    public async Task<bool> UpsertAsync(SnapshotRecord record, CancellationToken cancellationToken = default)
    {
        SnapshotEntity.Validate(record);
        var (partitionKey, rowKey) = SnapshotEntity.Keys(record.Key);
        // Timestamps of a stored entity only grow, so a cached newer version proves the outcome without a request.
        if (_known.TryGetValue((partitionKey, rowKey), out var known) && known.ScrapeTimestampMs > record.ScrapeTimestampMs)
            return false;
        var generation = Volatile.Read(ref _generation);
        try
        {
            try
            {
                return await UpsertCoreAsync(record, partitionKey, rowKey, known, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (MissingStorage(ex) is { } missing)
            {
                // The table or container vanished while we ran: create it again and retry this write once.
                await RecreateAsync(generation, missing, cancellationToken).ConfigureAwait(false);
                return await UpsertCoreAsync(record, partitionKey, rowKey, null, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            throw Wrap($"writing the snapshot of {Describe(record.Key)}", ex);
        }
    }

    private async Task<bool> UpsertCoreAsync(SnapshotRecord record, string partitionKey, string rowKey, KnownVersion? known, CancellationToken cancellationToken)
    {
        var blobName = SnapshotEntity.BlobName(partitionKey, rowKey, record.ScrapeTimestampMs);
        var layout = PayloadLayout.Plan(SnapshotEntity.FixedBytes(partitionKey, rowKey, record), SnapshotEntity.FixedProperties, record.Payload.Length, blobName);
        var written = layout.Inline ? null : blobName;
        try
        {
            // Blob first: a reader must never find an entity pointing at a blob that isn't there yet.
            if (written is not null)
                await _container.GetBlobClient(written).UploadAsync(new BinaryData(record.Payload), overwrite: true, cancellationToken).ConfigureAwait(false);
            return await WriteEntityAsync(record, partitionKey, rowKey, known, layout, written, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (written is not null)
        {
            await DiscardBlobAsync(partitionKey, rowKey, written).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>WriteEntityAsync writes the entity pointing at <paramref name="written"/> (if any), retrying on concurrent changes.</summary>
    private async Task<bool> WriteEntityAsync(SnapshotRecord record, string partitionKey, string rowKey, KnownVersion? known, PayloadLayout layout, string? written, CancellationToken cancellationToken)
    {
        var entity = SnapshotEntity.Build(record, partitionKey, rowKey, layout, written);
        if (known is not null)
        {
            var etag = await TryReplaceAsync(entity, known.ETag, cancellationToken).ConfigureAwait(false);
            if (etag is { } replaced)
            {
                await CommittedAsync(entity, replaced, record.ScrapeTimestampMs, written, known.Blob, cancellationToken).ConfigureAwait(false);
                return true;
            }
        }

        for (var attempt = 0; attempt < MaxConcurrencyAttempts; attempt++)
        {
            var current = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, SnapshotEntity.VersionColumns, cancellationToken).ConfigureAwait(false);
            if (!current.HasValue || current.Value is null)
            {
                try
                {
                    var added = await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                    await CommittedAsync(entity, ETagOf(added), record.ScrapeTimestampMs, written, null, cancellationToken).ConfigureAwait(false);
                    return true;
                }
                catch (RequestFailedException ex) when (ex.Status == 409)
                {
                    continue; // Another instance inserted it first: compare with its version.
                }
            }

            var stored = current.Value;
            // A stored entity that cannot be read is older than anything: replacing it repairs the target.
            var storedTimestamp = SnapshotEntity.TimestampOrNull(stored);
            var storedBlob = SnapshotEntity.BlobOf(stored);
            if (storedTimestamp is { } newer && newer > record.ScrapeTimestampMs)
            {
                Remember(partitionKey, rowKey, stored.ETag, newer, storedBlob);
                if (written is not null && written != storedBlob)
                    await DeleteBlobBestEffortAsync(written, cancellationToken).ConfigureAwait(false);
                return false;
            }

            var etag = await TryReplaceAsync(entity, stored.ETag, cancellationToken).ConfigureAwait(false);
            if (etag is { } replaced)
            {
                await CommittedAsync(entity, replaced, record.ScrapeTimestampMs, written, storedBlob, cancellationToken).ConfigureAwait(false);
                return true;
            }
        }
        throw new SnapshotStoreException(
            $"storage contention: the snapshot of {Describe(record.Key)} changed concurrently {MaxConcurrencyAttempts} times while writing it");
    }

    /// <summary>TryReplaceAsync replaces the entity if it still has <paramref name="ifMatch"/>; null when it changed or vanished.</summary>
    private async Task<ETag?> TryReplaceAsync(TableEntity entity, ETag ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.UpdateEntityAsync(entity, ifMatch, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return ETagOf(response);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            _known.TryRemove((entity.PartitionKey, entity.RowKey), out _);
            return null;
        }
    }

    private async Task CommittedAsync(TableEntity entity, ETag etag, long scrapeTimestampMs, string? written, string? previousBlob, CancellationToken cancellationToken)
    {
        _known[(entity.PartitionKey, entity.RowKey)] = new KnownVersion(etag, scrapeTimestampMs, written);
        if (previousBlob is not null && previousBlob != written)
            await DeleteBlobBestEffortAsync(previousBlob, cancellationToken).ConfigureAwait(false);
    }

    private static ETag ETagOf(Response response) =>
        response.Headers.ETag ?? throw new SnapshotStoreException("storage request failed: the Table service returned no ETag for a write");

    /// <summary>
    /// DiscardBlobAsync deletes (best effort) the blob of a write that failed or was cancelled. A failure can
    /// hide a write that landed (a lost response, cancellation after the commit), so the blob is kept when the
    /// stored entity points to it, or when that cannot be checked: an orphan only costs space, a deleted
    /// payload would break the target. Not cancelled by the caller (it runs after the caller gave up), but
    /// bounded by <see cref="CleanupBudget"/> so a frozen storage cannot hold the caller up.
    /// </summary>
    private async Task DiscardBlobAsync(string partitionKey, string rowKey, string blobName)
    {
        using var budget = new CancellationTokenSource(CleanupBudget);
        try
        {
            var current = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, SnapshotEntity.VersionColumns, budget.Token).ConfigureAwait(false);
            if (current.HasValue && current.Value is { } stored && SnapshotEntity.BlobOf(stored) == blobName) return;
            await _container.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: budget.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex, CancellationToken.None))
        {
            // Out of time or storage failing: at worst an orphan blob stays behind (removed with its target).
        }
    }

    /// <summary>CleanupBudget bounds the best-effort removal of a failed write's blob.</summary>
    internal static readonly TimeSpan CleanupBudget = TimeSpan.FromSeconds(2);

    /// <summary>DeleteBlobBestEffortAsync removes a blob no entity points to; failures only leave an orphan blob behind.</summary>
    private async Task DeleteBlobBestEffortAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            await _container.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            // Best effort by design: the snapshot itself is stored; an orphan blob costs only space.
        }
    }
}
