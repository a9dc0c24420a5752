using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Sharding;

/// <summary>
/// ShardQueueClient is the Azure Storage queue that carries shard messages, and its poison queue <c>&lt;name&gt;-poison</c>.
/// Messages are base64-encoded (what the Functions queue trigger expects; the SDK's default is plain text). Every
/// REST request attempt, retries included, is reported to the <see cref="IStorageRequestObserver"/> by the same pipeline
/// policy as the Table and Blob clients' (<see cref="StorageRequestPolicy"/>, service <c>queue</c>). Thread-safe.
/// </summary>
public sealed class ShardQueueClient
{
    /// <summary>PoisonSuffix ends the name of the queue that takes messages that failed too often, as the Functions host names it.</summary>
    public const string PoisonSuffix = "-poison";

    private readonly QueueClient _queue;
    private readonly QueueClient _poison;
    private readonly object _gate = new();
    private Task? _creating;
    private volatile bool _created;
    private volatile bool _poisonCreated;

    // Only Create builds one: every service client it is given has the options of ClientOptions, counting policy included.
    private ShardQueueClient(QueueServiceClient service, string name)
    {
        _queue = service.GetQueueClient(name);
        _poison = service.GetQueueClient(name + PoisonSuffix);
    }

    /// <summary>
    /// Create builds the queue client from a connection string, or for identity-based access from the queue service
    /// URI with the default Azure credential (<paramref name="clientId"/>: a user-assigned identity); each request it sends
    /// is reported to <paramref name="observer"/>. Nothing is sent yet.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid queue name (<see cref="NameError"/>).</exception>
    /// <exception cref="InvalidOperationException">The connection string is malformed.</exception>
    public static ShardQueueClient Create(string? connectionString, Uri? queueServiceUri, string? clientId, string name, IStorageRequestObserver? observer = null)
    {
        if (NameError(name) is { } error) throw new ArgumentException(error, nameof(name));
        if (queueServiceUri is not null)
        {
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
            return new ShardQueueClient(new QueueServiceClient(queueServiceUri, credential, ClientOptions(observer)), name);
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        try
        {
            return new ShardQueueClient(new QueueServiceClient(connectionString, ClientOptions(observer)), name);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            // Not the string itself: it may hold the account key.
            throw new InvalidOperationException($"not a valid storage connection string: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// ClientOptions: base64 messages, two quick retries, a 5 s network timeout (as the snapshot store's clients), and each
    /// request attempt reported to <paramref name="observer"/>.
    /// </summary>
    public static QueueClientOptions ClientOptions(IStorageRequestObserver? observer = null)
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        StorageRequestPolicy.AddTo(options, StorageService.Queue, observer);
        return options;
    }

    /// <summary>Name is the queue's name.</summary>
    public string Name => _queue.Name;

    /// <summary>PoisonName is the poison queue's name.</summary>
    public string PoisonName => _poison.Name;

    /// <summary>
    /// NameError says why <paramref name="name"/> cannot name a shard queue (3 to 63 lower-case letters, digits and
    /// single hyphens, starting and ending with a letter or digit, short enough for its poison queue, not itself a
    /// poison queue), or null when it can.
    /// </summary>
    public static string? NameError(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "is empty";
        var maxLength = 63 - PoisonSuffix.Length;
        if (name.Length < 3 || name.Length > maxLength) return $"must be 3 to {maxLength} characters long (its poison queue adds \"{PoisonSuffix}\")";
        if (!name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-') || name[0] == '-' || name[^1] == '-' || name.Contains("--", StringComparison.Ordinal))
            return "may hold only lower-case letters, digits and single hyphens, and must start and end with a letter or digit";
        if (name.EndsWith(PoisonSuffix, StringComparison.Ordinal)) return $"must not end in \"{PoisonSuffix}\"";
        return null;
    }

    /// <summary>EnsureCreatedAsync creates the queue when missing (one request, the first time only, however many callers ask at once).</summary>
    /// <exception cref="ShardQueueException">The queue service is unreachable or refused.</exception>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (_created) return;
        Task creating;
        lock (_gate) creating = _creating ??= CreateAsync();
        try
        {
            await creating.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ShardQueueException)
        {
            lock (_gate) if (_creating == creating) _creating = null; // the next caller tries again
            throw;
        }
    }

    // Not the caller's token: one caller giving up must not fail the others waiting on the same request.
    private async Task CreateAsync()
    {
        await CallAsync("creating", _queue, () => _queue.CreateIfNotExistsAsync(), CancellationToken.None).ConfigureAwait(false);
        _created = true;
    }

    /// <summary>SendAsync puts <paramref name="text"/> on the queue, to expire unread after <paramref name="timeToLive"/>.</summary>
    /// <exception cref="ShardQueueException">The queue service is unreachable or refused.</exception>
    public async Task SendAsync(string text, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await CallAsync("sending to", _queue, () => _queue.SendMessageAsync(text, visibilityTimeout: null, timeToLive, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>ReceiveAsync takes up to <paramref name="max"/> (1 to 32) messages, invisible to others for <paramref name="visibility"/>.</summary>
    /// <exception cref="ShardQueueException">The queue service is unreachable or refused.</exception>
    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var response = await CallAsync("receiving from", _queue, () => _queue.ReceiveMessagesAsync(max, visibility, cancellationToken), cancellationToken).ConfigureAwait(false);
        return response.Value;
    }

    /// <summary>
    /// UpdateAsync makes a received message invisible for <paramref name="visibility"/> from now (a lease renewal, or
    /// with a short time a release for retry). Returns the new pop receipt; the old one no longer works.
    /// </summary>
    /// <exception cref="ShardQueueException">The queue service is unreachable or refused (404: the message is gone or another took it).</exception>
    public async Task<string> UpdateAsync(string messageId, string popReceipt, TimeSpan visibility, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("updating a message in", _queue, () => _queue.UpdateMessageAsync(messageId, popReceipt, visibilityTimeout: visibility, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        return response.Value.PopReceipt;
    }

    /// <summary>DeleteAsync removes a processed message; a message already gone (or taken by another after its lease ran out) is not an error.</summary>
    /// <exception cref="ShardQueueException">The queue service is unreachable or refused.</exception>
    public async Task DeleteAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        try
        {
            await CallAsync("deleting a message from", _queue, () => _queue.DeleteMessageAsync(messageId, popReceipt, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (ShardQueueException ex) when (ex.InnerException is RequestFailedException { Status: 404 or 400 })
        {
            // 404: already deleted; 400 PopReceiptMismatch: re-delivered to another worker, which now owns it.
        }
    }

    /// <summary>
    /// PoisonAsync copies a message's <paramref name="body"/> to the poison queue (created when missing; kept there until
    /// someone looks) and deletes it here with its latest <paramref name="popReceipt"/>.
    /// </summary>
    /// <exception cref="ShardQueueException">The queue service is unreachable or refused.</exception>
    public async Task PoisonAsync(BinaryData body, string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!_poisonCreated)
        {
            await CallAsync("creating", _poison, () => _poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
            _poisonCreated = true;
        }
        // The body as received (base64-decoded by the client) goes out base64-encoded again, unchanged; -1 s: it never expires.
        await CallAsync("sending to", _poison, () => _poison.SendMessageAsync(body, visibilityTimeout: null, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken), cancellationToken).ConfigureAwait(false);
        await DeleteAsync(messageId, popReceipt, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>DeleteQueuesAsync deletes the queue and its poison queue when they exist (for scratch queues, as the cost model's).</summary>
    /// <exception cref="ShardQueueException">The queue service is unreachable or refused.</exception>
    public async Task DeleteQueuesAsync(CancellationToken cancellationToken = default)
    {
        await CallAsync("deleting", _queue, () => _queue.DeleteIfExistsAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        await CallAsync("deleting", _poison, () => _poison.DeleteIfExistsAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> CallAsync<T>(string verb, QueueClient queue, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or IOException or TimeoutException or AggregateException
                                       or AuthenticationFailedException or CredentialUnavailableException
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var reason = ex switch
            {
                RequestFailedException { Status: > 0 } r => $"HTTP {r.Status} {r.ErrorCode}",
                OperationCanceledException => "the request timed out",
                _ => ex.Message.Split('\n')[0],
            };
            throw new ShardQueueException($"queue request failed: {verb} queue \"{queue.Name}\": {reason}", ex);
        }
    }
}
