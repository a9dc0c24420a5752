using Azure.Core;
using Azure.Core.Pipeline;
using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Tests.Storage;

/// <summary>
/// Queue REST requests are named from the request alone, on an account's own host and on an emulator's path-style URI
/// (the account name first); <see cref="StorageRequestCountingTests"/> checks the same names on real requests.
/// </summary>
public sealed class StorageOperationQueueTests
{
    [Theory]
    [InlineData("PUT", "/shards", "", StorageOperation.CreateQueue)]
    [InlineData("DELETE", "/shards", "", StorageOperation.DeleteQueue)]
    [InlineData("GET", "/shards", "?comp=metadata", StorageOperation.GetProperties)]
    [InlineData("HEAD", "/shards", "?comp=metadata", StorageOperation.GetProperties)]
    [InlineData("PUT", "/shards", "?comp=metadata", StorageOperation.Other)]
    [InlineData("GET", "/shards", "?comp=acl", StorageOperation.Other)]
    [InlineData("GET", "/", "?comp=list&prefix=s", StorageOperation.List)]
    [InlineData("GET", "/", "?restype=service&comp=properties", StorageOperation.Other)]
    [InlineData("POST", "/shards/messages", "?visibilitytimeout=0&messagettl=120", StorageOperation.Send)]
    [InlineData("GET", "/shards/messages", "?numofmessages=1&visibilitytimeout=30", StorageOperation.Receive)]
    [InlineData("GET", "/shards/messages", "?numofmessages=32&peekonly=true", StorageOperation.Peek)]
    [InlineData("DELETE", "/shards/messages", "", StorageOperation.Clear)]
    [InlineData("PUT", "/shards/messages/5a1c", "?popreceipt=AgAAAA%3D%3D&visibilitytimeout=30", StorageOperation.Update)]
    [InlineData("DELETE", "/shards/messages/5a1c", "?popreceipt=AgAAAA%3D%3D", StorageOperation.Delete)]
    public void EachQueueRequestIsNamedByWhatItDoes(string method, string path, string query, string expected)
    {
        Assert.Equal(expected, StorageOperation.Classify(StorageService.Queue, Request(method, "https://acct.queue.core.windows.net" + path + query)));
        // Path-style, as against Azurite: the account name comes first and changes nothing.
        Assert.Equal(expected, StorageOperation.Classify(StorageService.Queue, Request(method, "http://127.0.0.1:10001/devstoreaccount1" + path.TrimEnd('/') + query)));
    }

    [Fact]
    public void AQueueNamedMessagesIsCreatedAsAQueueAndSentToAsOne()
    {
        Assert.Equal(StorageOperation.CreateQueue, StorageOperation.Classify(StorageService.Queue, Request("PUT", "https://acct.queue.core.windows.net/messages")));
        Assert.Equal(StorageOperation.Send, StorageOperation.Classify(StorageService.Queue, Request("POST", "https://acct.queue.core.windows.net/messages/messages")));
    }

    private static Request Request(string method, string uri)
    {
        var request = HttpPipelineBuilder.Build(new TestOptions()).CreateRequest();
        request.Method = RequestMethod.Parse(method);
        request.Uri.Reset(new Uri(uri));
        return request;
    }

    private sealed class TestOptions : ClientOptions;
}
