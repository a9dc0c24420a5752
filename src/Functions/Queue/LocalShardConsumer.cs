using FedFunctions.Core.Sharding;
using FedFunctions.Functions.Configuration;
using FedFunctions.Functions.Monitoring;
using FedFunctions.Functions.Settings;
using Microsoft.Extensions.Options;

namespace FedFunctions.Functions.Queue;

/// <summary>
/// LocalShardConsumer scrapes shard messages in a standalone process with the Functions host's queue listener rules,
/// so several processes on one storage account share the work as instances do in Azure: <c>Federation__QueueWorkers</c>
/// consumers each take one message at a time, hidden from others for a lease (<c>Federation__QueueVisibilityTimeout</c>,
/// at most half the shortest scrape interval, renewed at half-time while working); success or expiry deletes it; a
/// failure makes it visible again after <c>Federation__QueueRetryDelay</c>; the try that reaches
/// <c>Federation__QueueMaxDequeueCount</c> (or an unreadable message) moves it to <c>&lt;queue&gt;-poison</c>. A worker
/// that dies leaves its message to reappear when the lease ends. An empty queue is polled with randomized exponential
/// back-off from 100 ms up to <c>Federation__QueuePollingInterval</c>.
/// </summary>
internal sealed class LocalShardConsumer(
    ShardQueueAccess access, ShardWorker worker, ConfigReloader config, IOptions<FederationOptions> options, TimeProvider time,
    AppMetrics metrics, ILogger<LocalShardConsumer> logger) : BackgroundService
{
    /// <summary>MinPollingInterval (100 ms) is the first wait after an empty look, as the host's listener.</summary>
    public static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>ReleaseBudget (2 s) bounds handing a message back when the process stops.</summary>
    private static readonly TimeSpan ReleaseBudget = TimeSpan.FromSeconds(2);

    private FederationOptions Settings => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (access.Client is not { } queue)
        {
            logger.NoShardWorkers("the storage settings name no queue endpoint");
            return;
        }
        if (Settings.QueueWorkers == 0)
        {
            logger.NoShardWorkers("Federation__QueueWorkers is 0");
            return;
        }
        logger.ShardWorkersStarted(Settings.QueueWorkers, queue.Name, Lease().TotalSeconds, Settings.QueueMaxDequeueCount, queue.PoisonName);
        await Task.WhenAll(Enumerable.Range(0, Settings.QueueWorkers).Select(_ => ConsumeAsync(queue, stoppingToken))).ConfigureAwait(false);
    }

    /// <summary>Lease is how long a message is hidden: the setting, but at most half the shortest scrape interval configured.</summary>
    internal TimeSpan Lease()
    {
        var configured = Settings.QueueVisibilityTimeoutTime;
        var jobs = config.Current.Config.ScrapeConfigs;
        if (jobs.Count == 0) return configured;
        var half = jobs.Min(j => j.ScrapeInterval) / 2;
        var lease = half < configured ? half : configured;
        return lease < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : lease; // the Queue service counts whole seconds
    }

    private async Task ConsumeAsync(ShardQueueClient queue, CancellationToken stoppingToken)
    {
        var wait = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var lease = Lease();
                if (await ShardDelivery.ReceiveAsync(queue, lease, stoppingToken).ConfigureAwait(false) is not { } delivery)
                {
                    await Task.Delay(Jittered(wait), time, stoppingToken).ConfigureAwait(false);
                    wait = wait * 2 < Settings.QueuePollingIntervalTime ? wait * 2 : Settings.QueuePollingIntervalTime;
                    continue;
                }
                wait = MinPollingInterval;
                await HandleAsync(queue, delivery, lease, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (ShardQueueException ex)
            {
                // The queue is unreachable: back off as for an empty queue; a message in hand reappears when its lease ends.
                logger.QueueUnavailable(ex.Message);
                try
                {
                    await Task.Delay(Jittered(Settings.QueuePollingIntervalTime), time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A background service that throws stops the whole host (and /federate with it): log, go on.
                logger.QueueUnavailable($"{ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    /// <summary>HandleAsync works on one received message, renewing its lease meanwhile, and settles it.</summary>
    internal async Task HandleAsync(ShardQueueClient queue, ShardDelivery delivery, TimeSpan lease, CancellationToken stoppingToken)
    {
        var max = Settings.QueueMaxDequeueCount;
        var dequeueCount = delivery.Message.DequeueCount;
        if (dequeueCount > max)
        {
            // Tried too often already (workers died holding it): poisoned unrun, as the host does.
            await PoisonAsync(queue, delivery, "tried too often (its workers stopped before settling it)", stoppingToken).ConfigureAwait(false);
            return;
        }

        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewal = RenewAsync(delivery, lease, renewing.Token);
        ShardResult result;
        try
        {
            result = await delivery.ProcessAsync(worker, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            result = new ShardResult(ShardOutcome.Failed, "the process is stopping");
        }
        finally
        {
            await renewing.CancelAsync().ConfigureAwait(false);
            await renewal.ConfigureAwait(false);
        }

        if (stoppingToken.IsCancellationRequested)
        {
            // Stopping: hand the message back at once for another worker (this try still counts).
            using var budget = new CancellationTokenSource(ReleaseBudget);
            metrics.ShardMessages.Inc("failed");
            await delivery.HideAsync(TimeSpan.Zero, budget.Token).ConfigureAwait(false);
            return;
        }
        if (await delivery.DeleteIfDoneAsync(result, stoppingToken).ConfigureAwait(false)) return;
        if (result.Outcome == ShardOutcome.Unreadable || dequeueCount >= max)
        {
            await PoisonAsync(queue, delivery, result.Error!, stoppingToken).ConfigureAwait(false);
            return;
        }
        metrics.ShardMessages.Inc("failed");
        logger.ShardFailed(dequeueCount, max, result.Error!);
        await delivery.HideAsync(Settings.QueueRetryDelayTime, stoppingToken).ConfigureAwait(false);
    }

    private async Task PoisonAsync(ShardQueueClient queue, ShardDelivery delivery, string error, CancellationToken cancellationToken)
    {
        await delivery.PoisonAsync(cancellationToken).ConfigureAwait(false);
        metrics.ShardMessages.Inc("poisoned");
        logger.ShardPoisoned(queue.PoisonName, delivery.Message.DequeueCount, error);
    }

    /// <summary>RenewAsync extends the lease at half-time until cancelled; a lost lease is logged and ends the renewals.</summary>
    private async Task RenewAsync(ShardDelivery delivery, TimeSpan lease, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(lease / 2, time, cancellationToken).ConfigureAwait(false);
                await delivery.HideAsync(lease, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (ShardQueueException ex)
        {
            logger.LeaseLost(ex.Message);
        }
    }

    /// <summary>Jittered is 80% to 120% of <paramref name="wait"/>, so idle consumers do not poll in step.</summary>
    private static TimeSpan Jittered(TimeSpan wait) => wait * (0.8 + (0.4 * Random.Shared.NextDouble()));
}
