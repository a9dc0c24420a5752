using Azure.Storage.Queues.Models;
using FedFunctions.Core.Sharding;

namespace FedFunctions.Functions.Queue;

/// <summary>
/// ShardDelivery is one shard message taken off the queue and what both of its standalone readers do with it alike (the
/// <see cref="LocalShardConsumer"/> and the cost command's sequential drain): hand its body to the <see cref="ShardWorker"/>,
/// and delete it once the shard is done (completed, or expired: the next run covers it). It keeps the message's latest pop
/// receipt across lease changes. Whatever else happens (a failure, an unreadable message, a process that stops) is left
/// to the caller: the consumer retries and poisons, the cost command stops the measurement.
/// </summary>
internal sealed class ShardDelivery
{
    private readonly ShardQueueClient _queue;
    private volatile string _popReceipt;

    private ShardDelivery(ShardQueueClient queue, QueueMessage message)
    {
        _queue = queue;
        Message = message;
        _popReceipt = message.PopReceipt;
    }

    /// <summary>Message is the message as received (its dequeue count included).</summary>
    public QueueMessage Message { get; }

    /// <summary>ReceiveAsync takes the next message, hidden from other readers for <paramref name="lease"/>, or null when the queue is empty.</summary>
    /// <exception cref="ShardQueueException">The queue service is unreachable or refused.</exception>
    public static async Task<ShardDelivery?> ReceiveAsync(ShardQueueClient queue, TimeSpan lease, CancellationToken cancellationToken)
    {
        var messages = await queue.ReceiveAsync(1, lease, cancellationToken).ConfigureAwait(false);
        return messages.Count == 0 ? null : new ShardDelivery(queue, messages[0]);
    }

    /// <summary>ProcessAsync hands the message's body (base64 already decoded) to <paramref name="worker"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<ShardResult> ProcessAsync(ShardWorker worker, CancellationToken cancellationToken) =>
        worker.ProcessAsync(Message.Body.ToString(), cancellationToken);

    /// <summary>IsDone tells whether <paramref name="result"/> settles the shard: scraped, or dropped as expired.</summary>
    public static bool IsDone(ShardResult result) => result.Outcome is ShardOutcome.Completed or ShardOutcome.Expired;

    /// <summary>DeleteIfDoneAsync deletes the message when <paramref name="result"/> settles its shard (<see cref="IsDone"/>) and says whether it did.</summary>
    /// <exception cref="ShardQueueException">The queue service is unreachable or refused.</exception>
    public async Task<bool> DeleteIfDoneAsync(ShardResult result, CancellationToken cancellationToken)
    {
        if (!IsDone(result)) return false;
        await _queue.DeleteAsync(Message.MessageId, _popReceipt, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// HideAsync makes the message invisible for <paramref name="visibility"/> from now: a lease renewal, or with a short
    /// time a release for another try. The new pop receipt replaces the old one.
    /// </summary>
    /// <exception cref="ShardQueueException">The queue service is unreachable or refused (the lease is lost).</exception>
    public async Task HideAsync(TimeSpan visibility, CancellationToken cancellationToken) =>
        _popReceipt = await _queue.UpdateAsync(Message.MessageId, _popReceipt, visibility, cancellationToken).ConfigureAwait(false);

    /// <summary>PoisonAsync moves the message to the poison queue.</summary>
    /// <exception cref="ShardQueueException">The queue service is unreachable or refused.</exception>
    public Task PoisonAsync(CancellationToken cancellationToken) =>
        _queue.PoisonAsync(Message.Body, Message.MessageId, _popReceipt, cancellationToken);
}
