using System.Globalization;
using FedFunctions.Functions.Monitoring;
using FedFunctions.Functions.Queue;
using FedFunctions.Functions.Settings;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FedFunctions.Functions.Triggers;

/// <summary>
/// The <c>ScrapeShard</c> function: one shard message from the <c>Federation__ShardQueue</c> queue, scraped and stored
/// by <see cref="ShardWorker"/>. Completed and expired shards return (the host deletes the message); a failure throws,
/// so the host makes the message visible again after host.json's <c>visibilityTimeout</c> and moves it to
/// <c>&lt;queue&gt;-poison</c> after <c>maxDequeueCount</c> tries (keep <c>Federation__QueueMaxDequeueCount</c> equal,
/// it decides which failure is counted as <c>poisoned</c>).
/// </summary>
internal sealed class ScrapeShardFunction(ShardWorker worker, AppMetrics metrics, IOptions<FederationOptions> options, ILogger<ScrapeShardFunction> logger)
{
    [Function("ScrapeShard")]
    public async Task RunAsync([QueueTrigger("%Federation:ShardQueue%", Connection = "FederationStorage")] string message, FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await worker.ProcessAsync(message, cancellationToken);
        if (result.Outcome is ShardOutcome.Completed or ShardOutcome.Expired) return;
        var tries = DequeueCount(context.BindingContext.BindingData);
        var max = options.Value.QueueMaxDequeueCount;
        if (tries >= max)
        {
            metrics.ShardMessages.Inc("poisoned");
            logger.ShardPoisoned(options.Value.ShardQueue + Core.Sharding.ShardQueueClient.PoisonSuffix, tries, result.Error!);
        }
        else
        {
            metrics.ShardMessages.Inc("failed");
            logger.ShardFailed(tries, max, result.Error!);
        }
        throw new ShardFailedException(result.Error!);
    }

    /// <summary>DequeueCount reads the trigger's <c>DequeueCount</c> binding data (a number or its text); 1 when absent.</summary>
    internal static long DequeueCount(IReadOnlyDictionary<string, object?> bindingData) =>
        bindingData.TryGetValue("DequeueCount", out var value) && long.TryParse(value?.ToString()?.Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count)
            ? count
            : 1;
}

/// <summary>A shard message failed; the host retries it, then poisons it. The message says why.</summary>
internal sealed class ShardFailedException(string message) : Exception(message);
