using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Storage;

/// <summary>
/// SnapshotStore keeps the latest snapshot of every target in Azure Table storage: one entity per target
/// (PartitionKey = job, RowKey = target id), written with one request per scrape. Payloads are opaque
/// bytes, stored inline in binary chunks, or in a blob when the entity would exceed Table's limits.
/// An older scrape never overwrites a newer one (optimistic concurrency on the entity's ETag).
/// Instances are thread-safe; keep one per process so the ETag cache saves requests.
/// </summary>
public sealed partial class SnapshotStore
{
    private const int MaxConcurrencyAttempts = 5;

    private readonly TableClient _table;
    private readonly BlobContainerClient _container;
    private readonly ISnapshotStoreObserver? _observer;

    // Last known version per (PartitionKey, RowKey): lets the common upsert be one conditional write.
    private readonly ConcurrentDictionary<(string, string), KnownVersion> _known = new();

    private sealed record KnownVersion(ETag ETag, long ScrapeTimestampMs, string? Blob);

    /// <summary>SnapshotStore creates a store over the given clients (see <see cref="Create"/> for a <see cref="StorageConnection"/>).</summary>
    /// <param name="tables">The Table service (use <see cref="TableOptions"/>-like options: short network timeout, few retries).</param>
    /// <param name="blobs">The Blob service.</param>
    /// <param name="options">Table and container names.</param>
    /// <param name="observer">Hears about re-created storage and skipped corrupt entities (null: nobody).</param>
    /// <exception cref="ArgumentException">The table or container name is not valid for Azure Storage.</exception>
    public SnapshotStore(TableServiceClient tables, BlobServiceClient blobs, SnapshotStoreOptions? options = null, ISnapshotStoreObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(blobs);
        options ??= new SnapshotStoreOptions();
        if (options.TableNameError() is { } tableError) throw new ArgumentException(tableError, nameof(options));
        if (options.ContainerNameError() is { } containerError) throw new ArgumentException(containerError, nameof(options));
        _table = tables.GetTableClient(options.TableName);
        _container = blobs.GetBlobContainerClient(options.ContainerName);
        _observer = observer;
    }


    private volatile bool _created;

    /// <summary>
    /// ReportCorrupt skips an entity that is not a well-formed snapshot (another schema, no timestamp, a missing
    /// payload chunk, a missing blob or one of the wrong length) and tells the observer. Such an entity affects
    /// only its own target: it is listed as due by <see cref="ListVersionsAsync"/>, replaced by the next
    /// <see cref="UpsertAsync"/> and removable by <see cref="DeleteExceptAsync"/>.
    /// </summary>
    private void ReportCorrupt(TableEntity entity, CorruptEntityException ex)
    {
        // Cache the entity's ETag as the oldest possible version, so the next write replaces it in one request.
        Remember(entity.PartitionKey, entity.RowKey, entity.ETag, CorruptTimestamp, SnapshotEntity.BlobOf(entity));
        var key = SnapshotEntity.KeyOf(entity);
        _observer?.CorruptEntity(key, ex.Message);
    }

    /// <summary>CorruptTimestamp is the cached version of an entity that cannot be read: older than any scrape.</summary>
    private const long CorruptTimestamp = long.MinValue;

    /// <summary>
    /// EnsureCreatedAsync creates the table and the blob container when they are missing. After the first
    /// success it returns at once, so callers can call it before every scrape cycle: storage that was down
    /// when the app started is set up as soon as it is back. Storage that disappears later (found missing by
    /// a listing or a write) is created again: see <see cref="UpsertAsync"/>.
    /// </summary>
    /// <exception cref="SnapshotStoreException">Storage is unreachable or refused the request.</exception>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (_created) return;
        try
        {
            // Both calls treat 409 (already exists) as success.
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _created = true;
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            throw Wrap($"creating table \"{_table.Name}\" and container \"{_container.Name}\"", ex);
        }
    }

    /// <summary>
    /// KeyFor derives the key of a target: <paramref name="job"/> and a TargetId made of the escaped
    /// <c>instance</c> label (cut to a readable length) and the versioned hash of the whole label set
    /// (<see cref="TargetKeyEncoding"/>), so distinct label sets get distinct ids.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="job"/> is empty.</exception>
    public static TargetKey KeyFor(string job, Labels targetLabels)
    {
        ArgumentException.ThrowIfNullOrEmpty(job);
        ArgumentNullException.ThrowIfNull(targetLabels);
        var instance = TableKeys.Escape(targetLabels.Get("instance"));
        instance = instance[..TableKeys.SafeCut(instance, MaxInstanceChars)];
        return new TargetKey(job, instance + TargetKeyEncoding.Suffix(targetLabels));
    }

    /// <summary>MaxInstanceChars bounds the readable part of a TargetId; the hash keeps ids unique.</summary>
    internal const int MaxInstanceChars = 200;

    private static bool IsStorageFailure(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        SnapshotStoreException => false,
        RequestFailedException or AggregateException or HttpRequestException or IOException or TimeoutException => true,
        Azure.Identity.AuthenticationFailedException or Azure.Identity.CredentialUnavailableException => true,
        // The SDK reports its network timeout as a cancellation the caller did not ask for.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private static SnapshotStoreException Wrap(string operation, Exception ex)
    {
        var reachedService = ex is RequestFailedException { Status: > 0 };
        var reason = ex switch
        {
            RequestFailedException { Status: > 0 } r => $"HTTP {r.Status} {r.ErrorCode}: {FirstLine(r.Message)}",
            AggregateException a => string.Join("; ", a.Flatten().InnerExceptions.Select(e => FirstLine(e.Message)).Distinct()),
            OperationCanceledException => "the request timed out",
            _ => FirstLine(ex.Message),
        };
        var what = reachedService ? "storage request failed" : "storage unreachable";
        return new SnapshotStoreException($"{what}: {operation}: {reason}", ex);
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }

    private static string Describe(TargetKey key) => $"target \"{key.TargetId}\" of job \"{key.Job}\"";

    /// <summary>
    /// Know tells the store a version another process listed (a shard message carries the scheduler's listing), so
    /// this store's next write of that target is one conditional write instead of a read first. A version that is no
    /// longer current only costs the 412 and the read the write would have needed anyway.
    /// </summary>
    public void Know(SnapshotVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var (partitionKey, rowKey) = SnapshotEntity.Keys(version.Key);
        Remember(partitionKey, rowKey, new ETag(version.ETag), version.ScrapeTimestampMs, version.Blob);
    }

    private void Remember(string partitionKey, string rowKey, ETag etag, long scrapeTimestampMs, string? blob)
    {
        var fresh = new KnownVersion(etag, scrapeTimestampMs, blob);
        // A read can race a write of ours; keep the newer version (a stale ETag only costs a 412 and a re-read).
        _known.AddOrUpdate((partitionKey, rowKey), fresh, (_, old) => old.ScrapeTimestampMs > scrapeTimestampMs ? old : fresh);
    }


}
