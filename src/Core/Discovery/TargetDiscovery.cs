using FedFunctions.Core.Configuration;
using FedFunctions.Core.Model;
using FedFunctions.Core.Scraping.Http;

namespace FedFunctions.Core.Discovery;

/// <summary>
/// TargetDiscovery finds each scrape run's targets: the static groups, the file and HTTP discovery groups
/// (re-read when due, each source keeping its last good groups when it fails), relabeled as Prometheus does,
/// with <c>target_limit</c> and <c>keep_dropped_targets</c> applied. It holds the discovery state (last good
/// groups, HTTP clients) independently of any one configuration: hand the same instance to the cycle of a
/// reloaded configuration and sources whose settings did not change keep their state.
/// </summary>
public sealed class TargetDiscovery : IDisposable
{
    private readonly IDiscoveryObserver? _observer;
    private readonly TimeProvider _time;
    private readonly HttpClientCache _clients;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private Dictionary<string, FileDiscoverer> _files = new(StringComparer.Ordinal);
    private Dictionary<string, HttpDiscoverer> _http = new(StringComparer.Ordinal);

    /// <summary>Creates the discovery state.</summary>
    /// <param name="observer">Hears about unreadable SD files, failing SD endpoints and invalid targets (null: nobody).</param>
    /// <param name="timeProvider">The clock (tests pin it).</param>
    public TargetDiscovery(IDiscoveryObserver? observer = null, TimeProvider? timeProvider = null)
    {
        _observer = observer;
        _time = timeProvider ?? TimeProvider.System;
        _clients = new HttpClientCache(_time);
    }

    /// <summary>
    /// DiscoverAsync refreshes the sources of <paramref name="config"/> that are due and returns the targets of
    /// every job. Sources no longer in the configuration are forgotten. Discovery problems never throw: they
    /// are reported to the observer and the affected source keeps its last good groups.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<DiscoveredTargets> DiscoverAsync(FederationConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var groups = await RefreshAsync(config, cancellationToken).ConfigureAwait(false);
            return Build(config, groups);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    // Each distinct source is refreshed once (jobs with equal SD settings share it, as in Prometheus); HTTP
    // endpoints are asked concurrently. Returns the groups by source key.
    private async Task<Dictionary<string, (IReadOnlyList<TargetGroup> Groups, bool Uncertain)>> RefreshAsync(FederationConfig config, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var files = new Dictionary<string, FileDiscoverer>(StringComparer.Ordinal);
        var http = new Dictionary<string, HttpDiscoverer>(StringComparer.Ordinal);
        foreach (var job in config.ScrapeConfigs)
        {
            foreach (var sd in job.FileSdConfigs)
                files.TryAdd(sd.Key, _files.TryGetValue(sd.Key, out var known) ? known : new FileDiscoverer(sd));
            foreach (var sd in job.HttpSdConfigs)
                http.TryAdd(sd.Key, _http.TryGetValue(sd.Key, out var known) ? known : new HttpDiscoverer(sd));
        }
        _files = files;
        _http = http;

        var result = new Dictionary<string, (IReadOnlyList<TargetGroup>, bool)>(StringComparer.Ordinal);
        foreach (var (key, discoverer) in files)
        {
            var found = discoverer.Refresh(now, _observer);
            result[key] = (found, discoverer.Uncertain);
        }
        var fetches = http.Select(async pair =>
        {
            var found = await pair.Value.RefreshAsync(_clients, _time, _observer, cancellationToken).ConfigureAwait(false);
            return (pair.Key, found, pair.Value.Uncertain);
        }).ToList();
        foreach (var (key, found, uncertain) in await Task.WhenAll(fetches).ConfigureAwait(false)) result[key] = (found, uncertain);
        return result;
    }

    private DiscoveredTargets Build(FederationConfig config, Dictionary<string, (IReadOnlyList<TargetGroup> Groups, bool Uncertain)> discovered)
    {
        var active = new List<ScrapeTarget>();
        var dropped = new List<DroppedTarget>();
        var droppedCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        var uncertain = new HashSet<string>(StringComparer.Ordinal);
        foreach (var job in config.ScrapeConfigs)
        {
            var targets = new JobTargets(job);
            for (var i = 0; i < job.StaticConfigs.Count; i++)
            {
                var group = job.StaticConfigs[i];
                Add(job, targets, new TargetGroup(i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    [.. group.Targets.Select(a => Labels.Of(TargetBuilder.AddressLabel, a))], group.Labels));
            }
            foreach (var key in job.FileSdConfigs.Select(c => c.Key).Concat(job.HttpSdConfigs.Select(c => c.Key)))
            {
                var (groups, isUncertain) = discovered[key];
                if (isUncertain) uncertain.Add(job.JobName);
                foreach (var group in groups) Add(job, targets, group);
            }

            var jobTargets = targets.Active;
            if (job.TargetLimit > 0 && jobTargets.Count > job.TargetLimit)
            {
                // Prometheus fails every scrape of the pool (no request, up 0) until the count is back under the limit.
                _observer?.TargetLimitExceeded(job.JobName, jobTargets.Count, job.TargetLimit);
                var error = $"target_limit exceeded (number of targets: {jobTargets.Count}, limit: {job.TargetLimit})";
                jobTargets = [.. jobTargets.Select(t => t with { ForcedError = error })];
            }
            active.AddRange(jobTargets);
            droppedCounts[job.JobName] = targets.Dropped.Count;
            dropped.AddRange(job.KeepDroppedTargets > 0 ? targets.Dropped.Take((int)Math.Min(job.KeepDroppedTargets, int.MaxValue)) : targets.Dropped);
        }
        return new DiscoveredTargets { Active = active, Dropped = dropped, DroppedCounts = droppedCounts, UncertainJobs = uncertain };
    }

    // An invalid discovered target is skipped and reported, as Prometheus' TargetsFromGroup does.
    private void Add(ScrapeJobConfig job, JobTargets targets, TargetGroup group)
    {
        for (var i = 0; i < group.Targets.Count; i++)
        {
            var target = group.Targets[i];
            var outcome = TargetBuilder.Populate(target, group.Labels, job);
            if (outcome.Error is { } error)
                _observer?.TargetSkipped(job.JobName, outcome.Discovered, $"instance {i} in group {group.Source}: {error}");
            else if (!targets.Add(outcome, out var clash))
                _observer?.TargetSkipped(job.JobName, outcome.Discovered, JobTargets.ClashMessage(clash!, target.Get(TargetBuilder.AddressLabel)));
        }
    }

    /// <summary>Dispose releases the HTTP clients of the HTTP discovery endpoints.</summary>
    public void Dispose()
    {
        _clients.Dispose();
        _oneAtATime.Dispose();
    }
}
