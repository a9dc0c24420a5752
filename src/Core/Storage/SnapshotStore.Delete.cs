using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;

namespace FedFunctions.Core.Storage;

public sealed partial class SnapshotStore
{
    /// <summary>
    /// DeleteExceptAsync deletes every stored target that is not in <paramref name="keep"/> (targets no longer
    /// configured): its entity and all blobs under its blob prefix (including orphans of interrupted writes).
    /// </summary>
    /// <returns>How many targets were deleted.</returns>
    /// <exception cref="SnapshotStoreException">Storage is unreachable or failed.</exception>
    public async Task<int> DeleteExceptAsync(IReadOnlySet<TargetKey> keep, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var kept = new HashSet<(string, string)>();
        foreach (var key in keep) kept.Add(SnapshotEntity.Keys(key));
        var deleted = 0;
        try
        {
            var doomed = new List<TableEntity>();
            await foreach (var entity in QueryAsync(null, SnapshotEntity.VersionColumns, cancellationToken).ConfigureAwait(false))
            {
                if (!kept.Contains((entity.PartitionKey, entity.RowKey))) doomed.Add(entity);
            }
            foreach (var entity in doomed)
            {
                // Entity first, so no reader is left with a pointer to a deleted blob; the SDK treats 404 as done.
                await _table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
                _known.TryRemove((entity.PartitionKey, entity.RowKey), out _);
                var prefix = SnapshotEntity.BlobPrefix(entity.PartitionKey, entity.RowKey) + "/";
                await foreach (var blob in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
                {
                    await _container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                deleted++;
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            throw Wrap($"deleting removed targets ({deleted} deleted so far)", ex);
        }
        return deleted;
    }
}
