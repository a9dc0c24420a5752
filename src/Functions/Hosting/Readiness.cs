using FedFunctions.Core.Storage;

namespace FedFunctions.Functions.Hosting;

/// <summary>
/// Readiness says whether the app can serve: the scrape configuration is loaded (it is, once the app runs:
/// a bad one stops it at start-up) and storage was reached at least once. Like Prometheus' <c>/-/ready</c>
/// it answers whether start-up is done, not whether storage is up right now (that shows on <c>/federate</c>
/// as 503 and in the logs). Not ready while the app is stopping.
/// </summary>
public sealed class Readiness(SnapshotStore store, IHostApplicationLifetime lifetime)
{
    /// <summary>ProbeBudget (2 s) bounds the storage check a not-yet-ready probe makes.</summary>
    public static readonly TimeSpan ProbeBudget = TimeSpan.FromSeconds(2);

    private volatile bool _storageReached;

    /// <summary>Whether the app is stopping.</summary>
    public bool Stopping => lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>Records that storage answered (a scrape run, a read, the start-up check).</summary>
    public void StorageReached() => _storageReached = true;

    /// <summary>
    /// Whether the app is ready; until storage was reached once, each call tries to set it up (table and
    /// container) within <see cref="ProbeBudget"/>.
    /// </summary>
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        if (Stopping) return false;
        if (_storageReached) return true;
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(ProbeBudget);
        try
        {
            await store.EnsureCreatedAsync(budget.Token);
            _storageReached = true;
        }
        catch (SnapshotStoreException)
        {
            // Not yet: the probe asks again.
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Storage did not answer within the probe's budget.
        }
        return _storageReached;
    }
}
