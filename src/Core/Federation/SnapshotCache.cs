using System.Collections.Concurrent;
using FedFunctions.Core.Model;
using FedFunctions.Core.Snapshots;
using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Federation;

/// <summary>
/// SnapshotCache keeps decoded, indexed snapshots in memory between <c>/federate</c> requests. Each request
/// lists the stored versions (one cheap query per partition read) and fetches and decodes only the
/// snapshots that changed since the last request, so a steady stream of requests costs one small query
/// each plus the decoding of what was newly scraped. Snapshots only change at scrape ticks, so with a
/// <see cref="RefreshInterval"/> requests arriving within it (several federating servers, a burst)
/// share one listing instead of each paying for a storage query. A request in the interval after that gets
/// the last listing too while one refresh runs in the background, so a busy endpoint never waits for
/// storage; a request later than two intervals, or after <see cref="Invalidate"/>, waits for a fresh one.
/// </summary>
public sealed class SnapshotCache
{
    private readonly SnapshotStore _store;
    private readonly TimeProvider _time;
    private readonly ISnapshotCacheObserver? _observer;
    private readonly ConcurrentDictionary<TargetKey, (long ScrapeTimestampMs, IndexedSnapshot Snapshot)> _entries = new();
    // The last listing of each scope, with the Invalidate count when it started (a listing that started before an
    // Invalidate is not reused): reused within the refresh interval, and kept as the list handed out while nothing changed.
    private readonly ConcurrentDictionary<string, (long ListedAt, long Invalidations, IReadOnlyList<IndexedSnapshot> Snapshots)> _recent = new(StringComparer.Ordinal);
    // The scopes being refreshed in the background, with the refresh (at most one each).
    private readonly ConcurrentDictionary<string, Task> _backgroundRefreshes = new(StringComparer.Ordinal);
    private long _invalidations;

    /// <summary>Creates a cache over <paramref name="store"/>.</summary>
    /// <param name="store">Where the snapshots are.</param>
    /// <param name="refreshInterval">How long a listing of the stored versions is reused (zero: never).</param>
    /// <param name="timeProvider">The clock (tests pin it).</param>
    /// <param name="readBudget">How long one <see cref="GetAsync(IReadOnlyCollection{string}?, CancellationToken)"/> may wait for storage (null: <see cref="DefaultReadBudget"/>).</param>
    /// <param name="observer">Hears about skipped snapshots (null: nobody).</param>
    public SnapshotCache(SnapshotStore store, TimeSpan refreshInterval = default, TimeProvider? timeProvider = null, TimeSpan? readBudget = null, ISnapshotCacheObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(refreshInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(readBudget ?? DefaultReadBudget, TimeSpan.Zero, nameof(readBudget));
        _store = store;
        RefreshInterval = refreshInterval;
        ReadBudget = readBudget ?? DefaultReadBudget;
        _time = timeProvider ?? TimeProvider.System;
        _observer = observer;
    }

    /// <summary>
    /// DefaultReadBudget (5 s) is the default <see cref="ReadBudget"/>: well under the 10 s default
    /// <c>scrape_timeout</c> of a federating Prometheus, so it gets a clear 503 rather than a timeout of its own.
    /// </summary>
    public static readonly TimeSpan DefaultReadBudget = TimeSpan.FromSeconds(5);

    /// <summary>
    /// ReadBudget bounds all the storage requests of one refresh (listing, point reads, blob downloads, the
    /// clients' retries): past it the refresh fails with a <see cref="SnapshotStoreException"/> saying it timed out.
    /// </summary>
    public TimeSpan ReadBudget { get; }

    /// <summary>How long a listing of the stored versions is reused before storage is asked again.</summary>
    public TimeSpan RefreshInterval { get; }

    /// <summary>Forgets the reused listings, so the next request asks storage (call after storing snapshots).</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _invalidations);
    }

    /// <summary>How many snapshots are currently held.</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// Returns the current snapshots of <paramref name="jobs"/> (null: every job), refreshing what changed within
    /// <see cref="ReadBudget"/>. While none of them changed, the same list instance is returned.
    /// </summary>
    /// <exception cref="SnapshotStoreException">Storage could not be read, or not within <see cref="ReadBudget"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the caller left).</exception>
    public Task<IReadOnlyList<IndexedSnapshot>> GetAsync(IReadOnlyCollection<string>? jobs, CancellationToken cancellationToken = default) =>
        GetAsync(jobs, null, cancellationToken);

    /// <summary>
    /// Returns the current snapshots of <paramref name="jobs"/> (null: every job), refreshing what changed within
    /// <paramref name="budget"/> or <see cref="ReadBudget"/>, whichever is shorter (e.g. the federating server's
    /// <c>X-Prometheus-Scrape-Timeout-Seconds</c> less a margin: see <see cref="FederationBudget.FromScrapeTimeoutHeader"/>).
    /// </summary>
    /// <exception cref="SnapshotStoreException">Storage could not be read, or not within the budget (the message says it timed out).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the caller left).</exception>
    public async Task<IReadOnlyList<IndexedSnapshot>> GetAsync(IReadOnlyCollection<string>? jobs, TimeSpan? budget, CancellationToken cancellationToken = default)
    {
        var limit = budget is { } requested && requested < ReadBudget ? requested : ReadBudget;
        return await WithinBudgetAsync(limit, token => GetWithinAsync(jobs, token), cancellationToken).ConfigureAwait(false);
    }

    // Runs a read of storage that ends after limit; running out is a SnapshotStoreException saying it timed out.
    private async Task<T> WithinBudgetAsync<T>(TimeSpan limit, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(limit > TimeSpan.Zero ? limit : TimeSpan.Zero, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await read(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new SnapshotStoreException(
                $"storage timed out: reading the stored snapshots took longer than the budget of {limit.TotalSeconds:0.###} s", ex);
        }
    }

    private async Task<IReadOnlyList<IndexedSnapshot>> GetWithinAsync(IReadOnlyCollection<string>? jobs, CancellationToken cancellationToken)
    {
        var scope = jobs is null ? "" : string.Join('\n', jobs.Order(StringComparer.Ordinal)) + "\n";
        if (_recent.TryGetValue(scope, out var recent) && recent.Invalidations == Interlocked.Read(ref _invalidations) && RefreshInterval > TimeSpan.Zero)
        {
            var age = _time.GetElapsedTime(recent.ListedAt);
            if (age < RefreshInterval) return recent.Snapshots;
            if (age < 2 * RefreshInterval)
            {
                RefreshInBackground(scope, jobs);
                return recent.Snapshots;
            }
        }
        return await RefreshScopeAsync(scope, jobs, cancellationToken).ConfigureAwait(false);
    }

    // Lists the scope and makes the result its recent listing, stamped with when the listing started.
    private async Task<IReadOnlyList<IndexedSnapshot>> RefreshScopeAsync(string scope, IReadOnlyCollection<string>? jobs, CancellationToken cancellationToken)
    {
        var startedAt = _time.GetTimestamp();
        var invalidations = Interlocked.Read(ref _invalidations);
        var listed = await ListAndRefreshAsync(jobs, cancellationToken).ConfigureAwait(false);
        // While no snapshot changed, callers get the very same set: what they derived from it still holds.
        IReadOnlyList<IndexedSnapshot> result = _recent.TryGetValue(scope, out var recent) && recent.Snapshots.SequenceEqual(listed, ReferenceEqualityComparer.Instance)
            ? recent.Snapshots
            : new SnapshotSet(listed);
        _recent[scope] = (startedAt, invalidations, result);
        return result;
    }

    private void RefreshInBackground(string scope, IReadOnlyCollection<string>? jobs)
    {
        if (_backgroundRefreshes.ContainsKey(scope)) return;
        var started = new TaskCompletionSource();
        if (!_backgroundRefreshes.TryAdd(scope, started.Task)) return;
        _ = Task.Run(async () =>
        {
            try
            {
                await WithinBudgetAsync(ReadBudget, token => RefreshScopeAsync(scope, jobs, token), CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // nobody awaits this task: whatever fails is reported, not lost
            catch (Exception ex)
#pragma warning restore CA1031
            {
                // Requests keep the last listing; once it is two intervals old they read in the foreground and
                // answer 503 with the error themselves.
                _observer?.BackgroundRefreshFailed(ex);
            }
            finally
            {
                _backgroundRefreshes.TryRemove(scope, out _);
                started.SetResult();
            }
        });
    }

    /// <summary>Completes when the background refreshes running now have ended (tests wait on it).</summary>
    internal Task BackgroundRefreshes => Task.WhenAll(_backgroundRefreshes.Values);

    private async Task<List<IndexedSnapshot>> ListAndRefreshAsync(IReadOnlyCollection<string>? jobs, CancellationToken cancellationToken)
    {
        var versions = new List<SnapshotVersion>();
        if (jobs is null) versions.AddRange(await _store.ListVersionsAsync(null, cancellationToken).ConfigureAwait(false));
        else
        {
            foreach (var job in jobs) versions.AddRange(await _store.ListVersionsAsync(job, cancellationToken).ConfigureAwait(false));
        }

        var stale = versions.Where(v => (!_entries.TryGetValue(v.Key, out var e) || e.ScrapeTimestampMs != v.ScrapeTimestampMs) &&
                                        !(_corruptVersions.TryGetValue(v.Key, out var bad) && bad == v.ScrapeTimestampMs)).ToList();
        if (stale.Count > 0) await RefreshAsync(stale, jobs, cancellationToken).ConfigureAwait(false);

        // Forget targets that are gone from storage (deleted from the config), within the listed scope.
        var listed = versions.Select(v => v.Key).ToHashSet();
        foreach (var key in _entries.Keys)
        {
            if (!listed.Contains(key) && (jobs is null || jobs.Contains(key.Job))) _entries.TryRemove(key, out _);
        }
        foreach (var key in _corruptVersions.Keys)
        {
            if (!listed.Contains(key) && (jobs is null || jobs.Contains(key.Job))) _corruptVersions.TryRemove(key, out _);
        }

        var result = new List<IndexedSnapshot>(versions.Count);
        foreach (var version in versions)
        {
            if (_entries.TryGetValue(version.Key, out var entry)) result.Add(entry.Snapshot);
        }
        return result;
    }

    private async Task RefreshAsync(List<SnapshotVersion> stale, IReadOnlyCollection<string>? jobs, CancellationToken cancellationToken)
    {
        // Many changes (a cold cache, or every target scraped since): page through whole partitions.
        // A few changes: point reads of just those entities.
        if (stale.Count > 16)
        {
            IEnumerable<string?> scopes = jobs is null ? new string?[] { null } : jobs.Cast<string?>();
            foreach (var scope in scopes)
            {
                foreach (var record in await _store.ReadAsync(scope, cancellationToken).ConfigureAwait(false)) Store(record);
            }
            return;
        }

        await Parallel.ForEachAsync(stale, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (version, ct) =>
            {
                var record = await _store.ReadOneAsync(version.Key, ct).ConfigureAwait(false);
                if (record is not null) Store(record);
            }).ConfigureAwait(false);
    }

    private void Store(SnapshotRecord record)
    {
        if (_entries.TryGetValue(record.Key, out var existing) && existing.ScrapeTimestampMs >= record.ScrapeTimestampMs) return;
        // An unreadable version is decoded (and reported) once, not on every request until it is rescraped.
        if (_corruptVersions.TryGetValue(record.Key, out var bad) && bad == record.ScrapeTimestampMs) return;
        TargetSnapshot decoded;
        try
        {
            // The target's last version, if held, lends its label sets to the series that did not change.
            decoded = SnapshotCodec.Decode(record.Payload.Span, existing.Snapshot?.Snapshot);
        }
        catch (SnapshotFormatException ex)
        {
            // One unreadable snapshot must not take the other targets down with it: skip it and report.
            _corruptVersions[record.Key] = record.ScrapeTimestampMs;
            _entries.TryRemove(record.Key, out _);
            Interlocked.Increment(ref _corrupt);
            _observer?.CorruptSnapshot(record.Key, ex);
            return;
        }
        var entry = (record.ScrapeTimestampMs, new IndexedSnapshot(decoded));
        // Concurrent requests may refresh the same target: the newer version always wins.
        _entries.AddOrUpdate(record.Key, entry, (_, current) => current.ScrapeTimestampMs >= entry.ScrapeTimestampMs ? current : entry);
    }

    private readonly ConcurrentDictionary<TargetKey, long> _corruptVersions = new();

    private long _corrupt;

    /// <summary>How many stored snapshots could not be decoded (and were skipped).</summary>
    public long CorruptSnapshots => Interlocked.Read(ref _corrupt);
}
