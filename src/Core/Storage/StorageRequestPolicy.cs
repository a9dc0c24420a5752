using Azure.Core;
using Azure.Core.Pipeline;

namespace FedFunctions.Core.Storage;

/// <summary>
/// StorageRequestPolicy is an Azure SDK pipeline policy that reports each request the client sends to an
/// <see cref="IStorageRequestObserver"/>, classified by <see cref="StorageOperation.Classify"/>. It sits at
/// <see cref="HttpPipelinePosition.PerRetry"/>, behind the SDK's retry policy, so every attempt is counted:
/// the account bills each REST request that reaches it (retries, 404s, 409s and 412s included), not each
/// call of our code, so counting attempts is the honest measure of billed transactions.
/// </summary>
internal sealed class StorageRequestPolicy(StorageService service, IStorageRequestObserver observer) : HttpPipelinePolicy
{
    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        finally
        {
            Report(message);
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            ProcessNext(message, pipeline);
        }
        finally
        {
            Report(message);
        }
    }

    // Counted even without an answer (a timeout): storage may have processed, and billed, the request anyway.
    private void Report(HttpMessage message)
    {
        var request = message.Request;
        long sent = request.Content is { } content && content.TryComputeLength(out var length) ? length : 0;
        long received = message.HasResponse && message.Response.Headers.ContentLength is { } answered ? answered : 0;
        observer.RequestSent(service, StorageOperation.Classify(service, request), sent, received);
    }

    /// <summary>AddTo adds a policy reporting to <paramref name="observer"/> to <paramref name="options"/>, when there is one.</summary>
    public static void AddTo(ClientOptions options, StorageService service, IStorageRequestObserver? observer)
    {
        if (observer is not null) options.AddPolicy(new StorageRequestPolicy(service, observer), HttpPipelinePosition.PerRetry);
    }
}
