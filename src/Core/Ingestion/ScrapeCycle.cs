using System.Collections.Concurrent;
using System.Diagnostics;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Discovery;
using FedFunctions.Core.Model;
using FedFunctions.Core.Scheduling;
using FedFunctions.Core.Scraping;
using FedFunctions.Core.Snapshots;
using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Ingestion;

/// <summary>
/// ScrapeCycle is one timer tick: it discovers the targets (static and service discovery), picks those
/// that are due, scrapes them concurrently, stores one snapshot per target (one write each) and deletes the
/// snapshots of targets that are gone. Runs never overlap: a tick that arrives while one is running waits for it.
/// </summary>
public sealed class ScrapeCycle : IDisposable
{
    private readonly FederationConfig _config;
    private readonly Scraper _scraper;
    private readonly SnapshotStore _store;
    private readonly TimeProvider _time;
    private readonly IScrapeCycleObserver? _observer;
    private readonly TargetDiscovery _discovery;
    private readonly bool _ownsDiscovery;
    private readonly IShardSender? _shards;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    // The last run's target count: what a run that ends before discovering them reports as skipped.
    private int _lastTargetCount;

    /// <summary>
    /// Creates a cycle over <paramref name="config"/>'s targets; at most <see cref="ScraperOptions.MaxConcurrency"/>
    /// of <paramref name="scraper"/> are scraped at once.
    /// </summary>
    /// <param name="config">The scrape configuration.</param>
    /// <param name="scraper">Scrapes one target; its options bound the concurrency.</param>
    /// <param name="store">Where the snapshots go.</param>
    /// <param name="observer">Hears about each scraped target (null: nobody).</param>
    /// <param name="timeProvider">The clock (tests pin it).</param>
    /// <param name="discovery">
    /// The discovery state (last good SD groups, SD HTTP clients), created by the caller so it can outlive this
    /// cycle (a reloaded configuration's cycle gets the same one); null: the cycle creates and owns its own.
    /// </param>
    /// <param name="shards">
    /// Fans a run out when more targets are due than one shard holds: the due targets go to other workers
    /// (<see cref="ScrapeShardAsync(IReadOnlyList{ScrapeTarget}, IEnumerable{SnapshotVersion}, TimeSpan, CancellationToken)"/>) instead of being scraped in the run; null: every run scrapes inline.
    /// </param>
    public ScrapeCycle(FederationConfig config, Scraper scraper, SnapshotStore store, IScrapeCycleObserver? observer = null, TimeProvider? timeProvider = null, TargetDiscovery? discovery = null, IShardSender? shards = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(scraper);
        ArgumentNullException.ThrowIfNull(store);
        _config = config;
        _scraper = scraper;
        _store = store;
        _observer = observer;
        _time = timeProvider ?? TimeProvider.System;
        _ownsDiscovery = discovery is null;
        _discovery = discovery ?? new TargetDiscovery(timeProvider: _time);
        _shards = shards;
        _lastTargetCount = config.Targets().Count;
    }

    /// <summary>Dispose releases the discovery state when the cycle created it.</summary>
    public void Dispose()
    {
        if (_ownsDiscovery) _discovery.Dispose();
        _oneAtATime.Dispose();
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
    public Task<ScrapeCycleResult> RunAsync(TimeSpan budget, CancellationToken cancellationToken = default) =>
        RunAsync(budget, TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// Runs one cycle as <see cref="RunAsync(TimeSpan, CancellationToken)"/> does, when <paramref name="spent"/> of its
    /// <paramref name="budget"/> went before it (checking the configuration): the run ends when the rest is used up,
    /// and says it ran out of the whole budget.
    /// </summary>
    public async Task<ScrapeCycleResult> RunAsync(TimeSpan budget, TimeSpan spent, CancellationToken cancellationToken = default)
    {
        if (budget != Timeout.InfiniteTimeSpan) ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(budget, TimeSpan.Zero);
        var started = Stopwatch.GetTimestamp();
        var left = budget == Timeout.InfiniteTimeSpan ? budget : budget - spent > TimeSpan.Zero ? budget - spent : TimeSpan.FromMilliseconds(1);
        using var deadline = new CancellationTokenSource(left, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var run = new RunScope(budget, started, linked.Token, cancellationToken);
        try
        {
            await _oneAtATime.WaitAsync(run.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (run.Token.IsCancellationRequested)
        {
            return run.EndedBeforeScraping(Volatile.Read(ref _lastTargetCount), "while waiting for the previous run");
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
        DiscoveredTargets discovered;
        try
        {
            // Discovery runs inside the run (the timer's singleton run in Azure); /federate never waits on it.
            discovered = await _discovery.DiscoverAsync(_config, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return run.EndedBeforeScraping(_lastTargetCount, "while discovering targets");
        }
        var targets = discovered.Active;
        Volatile.Write(ref _lastTargetCount, targets.Count);
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
            return run.EndedBeforeScraping(targets.Count, "while listing the stored snapshots");
        }
        var storedByKey = new Dictionary<TargetKey, SnapshotVersion>();
        foreach (var version in stored) storedByKey[version.Key] = version;

        var configured = new HashSet<TargetKey>();
        // A job whose discovery source was never read in this process has unknown targets: keep what is stored.
        foreach (var version in stored)
        {
            if (discovered.UncertainJobs.Contains(version.Key.Job)) configured.Add(version.Key);
        }
        var due = new List<(ScrapeTarget Target, TargetKey Key)>();
        foreach (var target in targets)
        {
            var key = SnapshotStore.KeyFor(target.Job.JobName, target.Labels);
            configured.Add(key);
            long? last = storedByKey.TryGetValue(key, out var version) ? version.ScrapeTimestampMs : null;
            if (ScrapeDuePolicy.IsDue(target.ScrapeInterval, last, nowMs)) due.Add((target, key));
        }

        var scrapeErrors = new ConcurrentBag<string>();
        var storageErrors = new ConcurrentBag<string>();
        var inline = due;
        ShardDispatch? dispatch = null;
        var skippedWhileSending = 0;
        if (_shards is not null && due.Count > _shards.ShardSize)
        {
            try
            {
                // Fan-out: workers scrape the shards; what could not be sent is scraped here, so nothing is lost.
                dispatch = await _shards.SendAsync(due.Select(d => d.Target).ToArray(), nowMs, storedByKey, token).ConfigureAwait(false);
                var notSent = dispatch.NotSent.ToHashSet();
                inline = due.Where(d => notSent.Contains(d.Target)).ToList();
                if (dispatch.Error is { } sendError) storageErrors.Add($"sending shards: {sendError}");
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Out of time while sending: shards already sent get scraped, the rest are counted as skipped.
                inline = [];
                skippedWhileSending = due.Count;
            }
        }
        var tally = await ScrapeAndStoreAsync(inline, scrapeErrors, storageErrors, token).ConfigureAwait(false);

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
            TargetsScraped = inline.Count,
            TargetsFailed = tally.Failed,
            TargetsNotDue = targets.Count - due.Count,
            SnapshotsWritten = tally.Written,
            SnapshotsSuperseded = tally.Superseded,
            SeriesWritten = tally.Series,
            TargetsDeleted = deleted,
            TargetsSkipped = tally.Skipped + skippedWhileSending,
            ShardsSent = dispatch?.Messages ?? 0,
            TargetsSent = dispatch?.TargetsSent ?? 0,
            Interruption = token.IsCancellationRequested ? run.Interruption : null,
            Duration = Stopwatch.GetElapsedTime(run.Started),
            ScrapeErrors = scrapeErrors.ToArray(),
            StorageErrors = storageErrors.ToArray(),
            ActiveTargets = targets,
            DroppedTargets = discovered.Dropped,
            DroppedTargetCounts = discovered.DroppedCounts,
        };
    }

    /// <summary>
    /// ScrapeShardAsync scrapes and stores <paramref name="targets"/> (a shard another run planned) exactly as a run
    /// scrapes its due targets inline: same scraper, same observer, same conditional writes, so a duplicate delivery
    /// never lets an older snapshot replace a newer one. No discovery, no due check, no deletion: the run that sent the
    /// shard did those. Shards run concurrently with each other and with runs.
    /// </summary>
    /// <param name="targets">The shard's targets.</param>
    /// <param name="budget">How long the shard may take (<see cref="Timeout.InfiniteTimeSpan"/>: no limit); targets left then keep their previous snapshot.</param>
    /// <param name="cancellationToken">Stops the shard early, with the same outcome as an exhausted budget.</param>
    public Task<ScrapeCycleResult> ScrapeShardAsync(IReadOnlyList<ScrapeTarget> targets, TimeSpan budget, CancellationToken cancellationToken = default) =>
        ScrapeShardAsync(targets, null, budget, cancellationToken);

    /// <summary>ScrapeShardAsync as above, knowing the versions the sending run listed for these targets.</summary>
    /// <param name="targets">The shard's targets.</param>
    /// <param name="stored">The versions the sending run listed for these targets: the writes then need no read first, even
    /// when another process wrote the targets last (null: none known).</param>
    /// <param name="budget">How long the shard may take (<see cref="Timeout.InfiniteTimeSpan"/>: no limit).</param>
    /// <param name="cancellationToken">Stops the shard early, with the same outcome as an exhausted budget.</param>
    public async Task<ScrapeCycleResult> ScrapeShardAsync(IReadOnlyList<ScrapeTarget> targets, IEnumerable<SnapshotVersion>? stored, TimeSpan budget,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        foreach (var version in stored ?? []) _store.Know(version);
        if (budget != Timeout.InfiniteTimeSpan) ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(budget, TimeSpan.Zero);
        var started = Stopwatch.GetTimestamp();
        using var deadline = new CancellationTokenSource(budget, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var run = new RunScope(budget, started, linked.Token, cancellationToken);
        var items = targets.Select(t => (t, SnapshotStore.KeyFor(t.Job.JobName, t.Labels))).ToList();
        var scrapeErrors = new ConcurrentBag<string>();
        var storageErrors = new ConcurrentBag<string>();
        var tally = await ScrapeAndStoreAsync(items, scrapeErrors, storageErrors, run.Token).ConfigureAwait(false);
        return new ScrapeCycleResult
        {
            TargetsScraped = items.Count,
            TargetsFailed = tally.Failed,
            SnapshotsWritten = tally.Written,
            SnapshotsSuperseded = tally.Superseded,
            SeriesWritten = tally.Series,
            TargetsSkipped = tally.Skipped,
            Interruption = run.Token.IsCancellationRequested ? run.Interruption : null,
            Duration = Stopwatch.GetElapsedTime(started),
            ScrapeErrors = scrapeErrors.ToArray(),
            StorageErrors = storageErrors.ToArray(),
        };
    }

    /// <summary>Tally counts what <see cref="ScrapeAndStoreAsync"/> did.</summary>
    private sealed class Tally
    {
        public int Failed;
        public int Written;
        public int Superseded;
        public int Skipped;
        public long Series;
    }

    /// <summary>
    /// ScrapeAndStoreAsync scrapes each target (at most <see cref="Scraper.MaxConcurrency"/> at once) and stores its
    /// snapshot with one conditional write: the one per-target path of inline runs and shards alike.
    /// </summary>
    private async Task<Tally> ScrapeAndStoreAsync(IReadOnlyList<(ScrapeTarget Target, TargetKey Key)> due,
        ConcurrentBag<string> scrapeErrors, ConcurrentBag<string> storageErrors, CancellationToken token)
    {
        var tally = new Tally();
        // Not cancelled through ParallelOptions: every due target is visited, so those left when time runs out are counted.
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = _scraper.MaxConcurrency },
            async (item, _) =>
            {
                var ct = token;
                var where = $"{item.Target.Job.JobName}/{item.Target.Labels.Get("instance")}";
                if (ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref tally.Skipped);
                    return;
                }
                try
                {
                    var snapshot = await _scraper.ScrapeAsync(item.Target, ct).ConfigureAwait(false);
                    if (!snapshot.Up)
                    {
                        Interlocked.Increment(ref tally.Failed);
                        scrapeErrors.Add($"{where}: {snapshot.Error}");
                    }
                    _observer?.SnapshotScraped(snapshot);

                    var record = new SnapshotRecord(item.Key, snapshot.ScrapeTimestampMs, snapshot.Up, snapshot.TargetLabels.ToString(), SnapshotCodec.Encode(snapshot));
                    if (await _store.UpsertAsync(record, ct).ConfigureAwait(false))
                    {
                        Interlocked.Increment(ref tally.Written);
                        Interlocked.Add(ref tally.Series, snapshot.Samples.Count);
                    }
                    else Interlocked.Increment(ref tally.Superseded);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // Out of time or stopped: this target keeps its previous snapshot (writes are whole or nothing).
                    Interlocked.Increment(ref tally.Skipped);
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
        return tally;
    }
}
