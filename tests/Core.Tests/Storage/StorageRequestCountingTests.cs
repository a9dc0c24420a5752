using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using FedFunctions.Core.Sharding;
using FedFunctions.Core.Storage;
using FedFunctions.TestSupport;

namespace FedFunctions.Core.Tests.Storage;

/// <summary>
/// Real requests against Azurite through clients of a <see cref="StorageConnection"/> with a request observer:
/// each REST request is counted once, under the operation it performs (<see cref="StorageOperation"/>).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageRequestCountingTests(AzuriteServer azurite) : IAsyncLifetime
{
    private readonly string _table = "t" + Guid.NewGuid().ToString("N");
    private readonly string _container = "c" + Guid.NewGuid().ToString("N");
    private readonly string _queue = "q" + Guid.NewGuid().ToString("N");
    private readonly Requests _requests = new();

    private (TableClient Table, BlobContainerClient Container) Clients()
    {
        var (tables, blobs) = SnapshotStore.CreateClients(StorageConnection.FromConnectionString(azurite.ConnectionString).WithRequestObserver(_requests));
        return (tables.GetTableClient(_table), blobs.GetBlobContainerClient(_container));
    }

    public async Task InitializeAsync()
    {
        var (table, container) = Clients();
        await table.CreateIfNotExistsAsync();
        await container.CreateIfNotExistsAsync();
        Assert.Equal(1, _requests.Count(StorageService.Table, StorageOperation.CreateTable));
        Assert.Equal(1, _requests.Count(StorageService.Blob, StorageOperation.CreateContainer));
        _requests.Clear();
    }

    public async Task DisposeAsync()
    {
        await new TableServiceClient(azurite.ConnectionString).DeleteTableAsync(_table);
        await new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_container).DeleteIfExistsAsync();
        await new QueueClient(azurite.ConnectionString, _queue).DeleteIfExistsAsync();
    }

    [Fact]
    public async Task AnUpsertIsOneRequestAndAConditionalReplaceAnother()
    {
        var (table, _) = Clients();
        var entity = new TableEntity("p", "r") { ["v"] = 1 };
        var upserted = await table.UpsertEntityAsync(entity, TableUpdateMode.Replace);
        Assert.Equal([(StorageService.Table, StorageOperation.Upsert)], _requests.Operations());

        entity["v"] = 2;
        await table.UpdateEntityAsync(entity, upserted.Headers.ETag!.Value, TableUpdateMode.Replace);
        await table.AddEntityAsync(new TableEntity("p", "other"));
        await table.GetEntityAsync<TableEntity>("p", "r");
        await table.DeleteEntityAsync("p", "other");
        Assert.Equal(
            [(StorageService.Table, StorageOperation.Upsert), (StorageService.Table, StorageOperation.Update), (StorageService.Table, StorageOperation.Insert),
             (StorageService.Table, StorageOperation.Get), (StorageService.Table, StorageOperation.Delete)],
            _requests.Operations());
        Assert.True(_requests.BytesSent(StorageService.Table) > 0, "entity bodies were sent");
    }

    [Fact]
    public async Task ABatchOfManyEntitiesIsOneRequest()
    {
        var (table, _) = Clients();
        var actions = Enumerable.Range(0, 10).Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", $"r{i}"))).ToList();
        var response = await table.SubmitTransactionAsync(actions);
        Assert.Equal(10, response.Value.Count);
        Assert.Equal([(StorageService.Table, StorageOperation.Batch)], _requests.Operations());
    }

    [Fact]
    public async Task APagedQueryIsOneRequestPerPage()
    {
        var (table, _) = Clients();
        await table.SubmitTransactionAsync(Enumerable.Range(0, 5).Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"r{i}"))));
        _requests.Clear();

        var pages = 0;
        var entities = 0;
        await foreach (var page in table.QueryAsync<TableEntity>(maxPerPage: 2).AsPages())
        {
            pages++;
            entities += page.Values.Count;
        }
        Assert.Equal(5, entities);
        Assert.True(pages >= 3, $"5 entities, 2 per page: {pages} pages");
        Assert.Equal(pages, _requests.Count(StorageService.Table, StorageOperation.Query));
        Assert.Equal(pages, _requests.Operations().Count);
    }

    [Fact]
    public async Task BlobRequestsAreNamedByWhatTheyDo()
    {
        var (_, container) = Clients();
        var blob = container.GetBlobClient("a/b");
        var uploaded = await blob.UploadAsync(new BinaryData(new byte[1000]), overwrite: true);
        var downloaded = await blob.DownloadContentAsync();
        var unchanged = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = uploaded.Value.ETag } });
        Assert.Equal(304, unchanged.GetRawResponse().Status);
        await blob.GetPropertiesAsync();
        await foreach (var _ in container.GetBlobsAsync()) { }
        await blob.DeleteIfExistsAsync();

        Assert.Equal(
            [(StorageService.Blob, StorageOperation.Put), (StorageService.Blob, StorageOperation.Get), (StorageService.Blob, StorageOperation.ConditionalGet),
             (StorageService.Blob, StorageOperation.Head), (StorageService.Blob, StorageOperation.List), (StorageService.Blob, StorageOperation.Delete)],
            _requests.Operations());
        Assert.Equal(1000, _requests.BytesSent(StorageService.Blob));
        Assert.Equal(1000, downloaded.Value.Content.ToMemory().Length);
        Assert.Equal(1000, _requests.BytesReceived(StorageService.Blob, StorageOperation.Get));
        Assert.Equal(0, _requests.BytesReceived(StorageService.Blob, StorageOperation.ConditionalGet));
    }

    [Fact]
    public async Task TheStoresRequestsAreCountedAsTheyAreSent()
    {
        var store = SnapshotStore.Create(StorageConnection.FromConnectionString(azurite.ConnectionString).WithRequestObserver(_requests),
            new SnapshotStoreOptions { TableName = _table, ContainerName = _container });
        var key = new TargetKey("job", "t1");
        // A first write with nothing known: read the stored version, then insert.
        Assert.True(await store.UpsertAsync(new SnapshotRecord(key, 1, true, "{}", new byte[10])));
        Assert.Equal([(StorageService.Table, StorageOperation.Get), (StorageService.Table, StorageOperation.Insert)], _requests.Operations());
        _requests.Clear();

        // A steady-state write is one conditional replace.
        Assert.True(await store.UpsertAsync(new SnapshotRecord(key, 2, true, "{}", new byte[10])));
        Assert.Equal([(StorageService.Table, StorageOperation.Update)], _requests.Operations());
        _requests.Clear();

        await store.ListVersionsAsync();
        Assert.Equal([(StorageService.Table, StorageOperation.Query)], _requests.Operations());
    }

    [Fact]
    public async Task TheShardQueuesRequestsAreCountedOnceEachUnderWhatTheyDo()
    {
        var queue = ShardQueueClient.Create(azurite.ConnectionString, null, null, _queue, _requests);
        await queue.SendAsync("{}", TimeSpan.FromMinutes(1));
        var message = Assert.Single(await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30)));
        var receipt = await queue.UpdateAsync(message.MessageId, message.PopReceipt, TimeSpan.FromSeconds(30));
        await queue.DeleteAsync(message.MessageId, receipt);
        Assert.Empty(await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30))); // an empty look is a request too

        Assert.Equal(
            [(StorageService.Queue, StorageOperation.CreateQueue), (StorageService.Queue, StorageOperation.Send), (StorageService.Queue, StorageOperation.Receive),
             (StorageService.Queue, StorageOperation.Update), (StorageService.Queue, StorageOperation.Delete), (StorageService.Queue, StorageOperation.Receive)],
            _requests.Operations());
        // "{}" goes out base64-encoded in the Put Message XML body (what comes back is counted only where the answer has a
        // Content-Length, which Azurite's queue answers do not always have).
        Assert.True(_requests.BytesSent(StorageService.Queue) > 0, "the message was sent");
    }

    [Fact]
    public async Task OtherQueueRequestsAreNamedToo()
    {
        // A client with the shard queue's options, for the requests the shard queue itself does not send.
        var queue = new QueueClient(azurite.ConnectionString, _queue, ShardQueueClient.ClientOptions(_requests));
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync("a");
        await queue.PeekMessagesAsync(32);
        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        await queue.ClearMessagesAsync();
        await queue.DeleteAsync();

        Assert.Equal(
            [(StorageService.Queue, StorageOperation.CreateQueue), (StorageService.Queue, StorageOperation.Send), (StorageService.Queue, StorageOperation.Peek),
             (StorageService.Queue, StorageOperation.GetProperties), (StorageService.Queue, StorageOperation.Clear), (StorageService.Queue, StorageOperation.DeleteQueue)],
            _requests.Operations());
    }

    [Fact]
    public async Task ARetriedRequestIsCountedOncePerAttempt()
    {
        // A queue endpoint that takes the queue but answers every message request 503 Server Busy (as an overloaded
        // account does): the SDK tries three times (two retries), and each attempt is a request the account would bill.
        await using var busy = await TargetServer.StartAsync();
        busy.Serve($"/{AzuriteServer.AccountName}/{_queue}", new TargetResponse([], Status: 201));
        busy.Serve($"/{AzuriteServer.AccountName}/{_queue}/messages", new TargetResponse([], Status: 503));
        var connection = $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={AzuriteServer.AccountKey};QueueEndpoint={busy.BaseAddress}/{AzuriteServer.AccountName};";
        var queue = ShardQueueClient.Create(connection, null, null, _queue, _requests);

        var error = await Assert.ThrowsAsync<ShardQueueException>(() => queue.SendAsync("{}", TimeSpan.FromMinutes(1)));

        Assert.Contains("HTTP 503", error.Message, StringComparison.Ordinal);
        var attempts = busy.Requests.Count(r => r.Path.EndsWith("/messages", StringComparison.Ordinal));
        Assert.Equal(3, attempts);
        Assert.Equal([(StorageService.Queue, StorageOperation.CreateQueue), .. Enumerable.Repeat((StorageService.Queue, StorageOperation.Send), attempts)], _requests.Operations());
    }

    /// <summary>Requests records what the policy reported, in order.</summary>
    private sealed class Requests : IStorageRequestObserver
    {
        private readonly ConcurrentQueue<(StorageService Service, string Operation, long Sent, long Received)> _seen = new();

        public void RequestSent(StorageService service, string operation, long bytesSent, long bytesReceived) =>
            _seen.Enqueue((service, operation, bytesSent, bytesReceived));

        public List<(StorageService, string)> Operations() => _seen.Select(r => (r.Service, r.Operation)).ToList();

        public int Count(StorageService service, string operation) => _seen.Count(r => r.Service == service && r.Operation == operation);

        public long BytesSent(StorageService service) => _seen.Where(r => r.Service == service).Sum(r => r.Sent);

        public long BytesReceived(StorageService service, string operation) => _seen.Where(r => r.Service == service && r.Operation == operation).Sum(r => r.Received);

        public void Clear() => _seen.Clear();
    }
}
