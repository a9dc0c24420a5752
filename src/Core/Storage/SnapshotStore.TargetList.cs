using System.IO.Hashing;
using Azure;

namespace FedFunctions.Core.Storage;

public sealed partial class SnapshotStore
{
    /// <summary>
    /// TargetListBlob names the blob holding the last scrape run's target list. Snapshot blobs are always
    /// <c>&lt;partition&gt;/&lt;row&gt;/&lt;timestamp&gt;</c>, so a name without a slash never collides with one.
    /// </summary>
    internal const string TargetListBlob = "targets.json";

    /// <summary>MaxTargetListBytes (8 MiB) bounds the stored target list, so a read of it stays small.</summary>
    public const int MaxTargetListBytes = 8 * 1024 * 1024;

    // Hash of the target list this instance last wrote or read: an unchanged list is not written again.
    private ulong? _targetListHash;

    /// <summary>
    /// PutTargetListAsync stores <paramref name="content"/> (an encoded target list, opaque here) as one blob next
    /// to the snapshots, replacing the previous one whole, unless it is what this instance last wrote or read.
    /// Returns whether it wrote.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="content"/> exceeds <see cref="MaxTargetListBytes"/>.</exception>
    /// <exception cref="SnapshotStoreException">Storage is unreachable or failed.</exception>
    public async Task<bool> PutTargetListAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        if (content.Length > MaxTargetListBytes)
            throw new ArgumentException($"target list of {content.Length} bytes exceeds {MaxTargetListBytes} bytes", nameof(content));
        var hash = XxHash64.HashToUInt64(content.Span);
        if (_targetListHash == hash) return false;
        try
        {
            // One upload of a small blob is atomic: readers see the old list or the new one.
            await _container.GetBlobClient(TargetListBlob).UploadAsync(new BinaryData(content), overwrite: true, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (MissingStorage(ex) is not null)
        {
            _created = false; // the next EnsureCreatedAsync creates it; the list is written again by the next run
            throw Wrap("writing the target list", ex);
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            throw Wrap("writing the target list", ex);
        }
        _targetListHash = hash;
        return true;
    }

    /// <summary>
    /// GetTargetListAsync reads the stored target list, or null when none was stored yet (no run finished, or the
    /// container is new).
    /// </summary>
    /// <exception cref="SnapshotStoreException">Storage is unreachable or failed, or the stored list exceeds <see cref="MaxTargetListBytes"/>.</exception>
    public async Task<ReadOnlyMemory<byte>?> GetTargetListAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var blob = _container.GetBlobClient(TargetListBlob);
            var content = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            if (content.Value.Details.ContentLength > MaxTargetListBytes)
                throw new SnapshotStoreException($"storage request failed: the stored target list has {content.Value.Details.ContentLength} bytes, more than {MaxTargetListBytes}");
            var bytes = content.Value.Content.ToMemory();
            _targetListHash = XxHash64.HashToUInt64(bytes.Span);
            return bytes;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            throw Wrap("reading the target list", ex);
        }
    }
}
