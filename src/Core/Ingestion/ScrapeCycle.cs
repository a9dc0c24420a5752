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
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "SemaphoreSlim holds no unmanaged resource unless AvailableWaitHandle is used, which it is not.")]
public sealed class ScrapeCycle
{
    private readonly FederationConfig _config;
    private readonly Scraper _scraper;
    private readonly SnapshotStore _store;
    private readonly TimeProvider _time;
    private readonly IScrapeCycleObserver? _observer;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>
    /// Creates a cycle over <paramref name="config"/>'s targets; at most <see cref="ScraperOptions.MaxConcurrency"/>
    /// of <paramref name="scraper"/> are scraped at once.
    /// </summary>
    /// <param name="config">The scrape configuration.</param>
    /// <param name="scraper">Scrapes one target; its options bound the concurrency.</param>
    /// <param name="store">Where the snapshots go.</param>
    /// <param name="observer">Hears about each scraped target (null: nobody).</param>
    /// <param name="timeProvider">The clock (tests pin it).</param>
    public ScrapeCycle(FederationConfig config, Scraper scraper, SnapshotStore store, IScrapeCycleObserver? observer = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(scraper);
        ArgumentNullException.ThrowIfNull(store);
        _config = config;
        _scraper = scraper;
        _store = store;
        _observer = observer;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Runs one cycle with no time limit. Target failures are recorded in the result; storage failures too,
    /// and they fail it. Prefer <see cref="RunAsync(TimeSpan, CancellationToken)"/>, which ends in time.
    /// </summary>
    /// <exception cref="SnapshotStoreException">Storage could not be set up or read at all.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (what was stored stays, whole).</exception>
    public async Task<ScrapeCycleResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        if (result.Interruption is not null) throw new OperationCanceledException($"scrape run stopped: {result}", cancellationToken);
        return result;
    }

    /// <summary>
    /// Runs one cycle that ends within <paramref name="budget"/> (e.g. well before the next tick), or when
    /// <paramref name="cancellationToken"/> is cancelled (the host stops): then scrapes and writes in flight are
    /// abandoned and targets not yet written are not written, but counted in
    /// <see cref="ScrapeCycleResult.TargetsSkipped"/>, with <see cref="ScrapeCycleResult.Interruption"/> saying why.
    /// Storage only ever holds whole snapshots: each target keeps its previous one or gets the new one.
    /// Target failures are recorded in the result; storage failures too, and they fail it.
    /// </summary>
    /// <param name="budget">How long the run may take, waiting for an earlier run included (<see cref="Timeout.InfiniteTimeSpan"/>: no limit).</param>
    /// <param name="cancellationToken">Stops the run early, with the same outcome as an exhausted budget.</param>
    /// <exception cref="SnapshotStoreException">Storage could not be set up or read at all.</exception>
    public async Task<ScrapeCycleResult> RunAsync(TimeSpan budget, CancellationToken cancellationToken = default)
    {
        if (budget != Timeout.InfiniteTimeSpan) ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(budget, TimeSpan.Zero);
        var started = Stopwatch.GetTimestamp();
        using var deadline = new CancellationTokenSource(budget, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var run = new RunScope(budget, started, linked.Token, cancellationToken);
        try
        {
            await _oneAtATime.WaitAsync(run.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (run.Token.IsCancellationRequested)
        {
            return run.EndedBeforeScraping(_config.Targets().Count, "while waiting for the previous run");
        }
        try
        {
            return await RunOnceAsync(run).ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>RunScope carries one run's token (budget and stop linked) and tells why it ended early.</summary>
    private sealed record RunScope(TimeSpan Budget, long Started, CancellationToken Token, CancellationToken Stop)
    {
        public string Interruption => Stop.IsCancellationRequested
            ? "stopped"
            : $"ran out of time (budget {Budget.TotalSeconds:0.###} s)";

        public ScrapeCycleResult EndedBeforeScraping(int targets, string where) => new()
        {
            TargetsSkipped = targets,
            Interruption = $"{Interruption} {where}",
            Duration = Stopwatch.GetElapsedTime(Started),
        };
    }

    private async Task<ScrapeCycleResult> RunOnceAsync(RunScope run)
    {
        var token = run.Token;
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();

        IReadOnlyList<SnapshotVersion> stored;
        try
        {
            await _store.EnsureCreatedAsync(token).ConfigureAwait(false);
            // One cheap query tells when each target was last stored: that decides which jobs are due,
            // even on a fresh serverless instance with no memory of earlier runs.
            stored = await _store.ListVersionsAsync(cancellationToken: token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return run.EndedBeforeScraping(_config.Targets().Count, "while listing the stored snapshots");
        }
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
        int failed = 0, written = 0, superseded = 0, skipped = 0;
        long series = 0;

        // Not cancelled through ParallelOptions: every due target is visited, so those left when time runs out are counted.
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = _scraper.MaxConcurrency },
            async (item, _) =>
            {
                var ct = token;
                var where = $"{item.Target.Job.JobName}/{item.Target.Labels.Get("instance")}";
                if (ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref skipped);
                    return;
                }
                try
                {
                    var snapshot = await _scraper.ScrapeAsync(item.Target, ct).ConfigureAwait(false);
                    if (!snapshot.Up)
                    {
                        Interlocked.Increment(ref failed);
                        scrapeErrors.Add($"{where}: {snapshot.Error}");
                    }
                    _observer?.SnapshotScraped(snapshot);

                    var record = new SnapshotRecord(item.Key, snapshot.ScrapeTimestampMs, snapshot.Up, snapshot.TargetLabels.ToString(), SnapshotCodec.Encode(snapshot));
                    if (await _store.UpsertAsync(record, ct).ConfigureAwait(false))
                    {
                        Interlocked.Increment(ref written);
                        Interlocked.Add(ref series, snapshot.Samples.Count);
                    }
                    else Interlocked.Increment(ref superseded);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // Out of time or stopped: this target keeps its previous snapshot (writes are whole or nothing).
                    Interlocked.Increment(ref skipped);
                }
                catch (SnapshotStoreException ex)
                {
                    storageErrors.Add($"{where}: {ex.Message}");
                }
                catch (Exception ex)
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
            if (!token.IsCancellationRequested && stored.Any(v => !configured.Contains(v.Key)))
                deleted = await _store.DeleteExceptAsync(configured, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The next run deletes the rest.
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
            TargetsSkipped = skipped,
            Interruption = token.IsCancellationRequested ? run.Interruption : null,
            Duration = Stopwatch.GetElapsedTime(run.Started),
            ScrapeErrors = scrapeErrors.ToArray(),
            StorageErrors = storageErrors.ToArray(),
            ActiveTargets = targets,
            DroppedTargets = _config.DroppedTargets(),
        };
    }
}
