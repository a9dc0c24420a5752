using System.Collections.Concurrent;
using System.Diagnostics;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Model;
using FedFunctions.Core.Scheduling;
using FedFunctions.Core.Scraping;
using FedFunctions.Core.Snapshots;
using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Ingestion;

/// <summary>
/// ScrapeCycle is one timer tick: it picks the jobs that are due, scrapes their targets concurrently,
/// stores one snapshot per target (one write each) and deletes the snapshots of targets that left the
/// configuration. Runs never overlap: a tick that arrives while one is running waits for it.
/// </summary>
public sealed class ScrapeCycle
{
    private readonly FederationConfig _config;
    private readonly Scraper _scraper;
    private readonly SnapshotStore _store;
    private readonly TimeProvider _time;
    private readonly int _maxConcurrency;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>Creates a cycle over <paramref name="config"/>'s targets.</summary>
    public ScrapeCycle(FederationConfig config, Scraper scraper, SnapshotStore store, int maxConcurrency = 32, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(scraper);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        _config = config;
        _scraper = scraper;
        _store = store;
        _maxConcurrency = maxConcurrency;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Observes each stored snapshot (for self-monitoring); called concurrently.</summary>
    public Action<TargetSnapshot>? SnapshotScraped { get; set; }

    /// <summary>Runs one cycle. Target failures are recorded in the result; storage failures too, and they fail it.</summary>
    /// <exception cref="SnapshotStoreException">Storage could not be set up or read at all.</exception>
    public async Task<ScrapeCycleResult> RunAsync(CancellationToken cancellationToken = default)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RunOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<ScrapeCycleResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();

        await _store.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        // One cheap query tells when each target was last stored: that decides which jobs are due,
        // even on a fresh serverless instance with no memory of earlier runs.
        var stored = await _store.ListVersionsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var lastScrape = new Dictionary<TargetKey, long>();
        foreach (var version in stored) lastScrape[version.Key] = version.ScrapeTimestampMs;

        var targets = _config.Targets();
        var configured = new HashSet<TargetKey>();
        var due = new List<(ScrapeTarget Target, TargetKey Key)>();
        foreach (var target in targets)
        {
            var key = SnapshotStore.KeyFor(target.Job.JobName, target.Labels);
            configured.Add(key);
            long? last = lastScrape.TryGetValue(key, out var ms) ? ms : null;
            if (ScrapeDuePolicy.IsDue(target.Job.ScrapeInterval, last, nowMs)) due.Add((target, key));
        }

        var scrapeErrors = new ConcurrentBag<string>();
        var storageErrors = new ConcurrentBag<string>();
        int failed = 0, written = 0, superseded = 0;
        long series = 0;

        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = _maxConcurrency, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                var where = $"{item.Target.Job.JobName}/{item.Target.Labels.Get("instance")}";
                try
                {
                    var snapshot = await _scraper.ScrapeAsync(item.Target, ct).ConfigureAwait(false);
                    if (!snapshot.Up)
                    {
                        Interlocked.Increment(ref failed);
                        scrapeErrors.Add($"{where}: {snapshot.Error}");
                    }
                    SnapshotScraped?.Invoke(snapshot);

                    var record = new SnapshotRecord(item.Key, snapshot.ScrapeTimestampMs, snapshot.Up, snapshot.TargetLabels.ToString(), SnapshotCodec.Encode(snapshot));
                    if (await _store.UpsertAsync(record, ct).ConfigureAwait(false))
                    {
                        Interlocked.Increment(ref written);
                        Interlocked.Add(ref series, snapshot.Samples.Count);
                    }
                    else Interlocked.Increment(ref superseded);
                }
                catch (SnapshotStoreException ex)
                {
                    storageErrors.Add($"{where}: {ex.Message}");
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // Anything unexpected for one target (a label set too large for a Table entity, say) is
                    // that target's failure; the others still get stored and removed targets still deleted.
                    storageErrors.Add($"{where}: {ex.GetType().Name}: {ex.Message}");
                }
            }).ConfigureAwait(false);

        var deleted = 0;
        try
        {
            // Targets that left the config must stop being served, as Prometheus' staleness handling does.
            if (stored.Any(v => !configured.Contains(v.Key)))
                deleted = await _store.DeleteExceptAsync(configured, cancellationToken).ConfigureAwait(false);
        }
        catch (SnapshotStoreException ex)
        {
            storageErrors.Add($"deleting removed targets: {ex.Message}");
        }

        return new ScrapeCycleResult
        {
            TargetsScraped = due.Count,
            TargetsFailed = failed,
            TargetsNotDue = targets.Count - due.Count,
            SnapshotsWritten = written,
            SnapshotsSuperseded = superseded,
            SeriesWritten = series,
            TargetsDeleted = deleted,
            Duration = Stopwatch.GetElapsedTime(started),
            ScrapeErrors = scrapeErrors.ToArray(),
            StorageErrors = storageErrors.ToArray(),
        };
    }
}
