using FedFunctions.Core.Configuration;
using FedFunctions.Functions.Settings;
using FedFunctions.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FedFunctions.Functions.Tests;

/// <summary>The fan-out settings: defaults, clear errors naming the setting, and which storage settings give a shard queue.</summary>
public sealed class ShardSettingsTests
{
    private static ServiceProvider Bind(params (string Name, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Name.Replace("__", ":", StringComparison.Ordinal), s.Value)))
            .Build();
        var provider = new ServiceCollection().AddFederationSettings(configuration).BuildServiceProvider();
        SettingsServices.Check(provider);
        return provider;
    }

    private static Core.Sharding.ShardQueueClient? Queue(params (string Name, string Value)[] settings) =>
        Bind(settings).GetRequiredService<IOptions<StorageOptions>>().Value.ShardQueue("scrape-shards", null);

    [Fact]
    public void Defaults()
    {
        var options = Bind().GetRequiredService<IOptions<FederationOptions>>().Value;
        Assert.Equal((100, "scrape-shards", 1, 5, true), (options.ShardSize, options.ShardQueue, options.QueueWorkers, options.QueueMaxDequeueCount, options.LocalScheduler));
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2)),
            (options.QueueVisibilityTimeoutTime, options.QueueRetryDelayTime, options.QueuePollingIntervalTime));
    }

    [Fact]
    public void WorkersAndRetriesAreRead()
    {
        var options = Bind(("Federation__QueueWorkers", "0"), ("Federation__QueueRetryDelay", "0"), ("Federation__LocalScheduler", "false"), ("Federation__ShardSize", "0"))
            .GetRequiredService<IOptions<FederationOptions>>().Value;
        Assert.Equal((0, TimeSpan.Zero, false, 0), (options.QueueWorkers, options.QueueRetryDelayTime, options.LocalScheduler, options.ShardSize));
    }

    [Theory]
    [InlineData("Federation__ShardSize", "-1", "is not a number from 0 (never fan out) to 10000")]
    [InlineData("Federation__ShardSize", "20000", "is not a number from 0 (never fan out) to 10000")]
    [InlineData("Federation__ShardQueue", "Shards", "may hold only lower-case letters")]
    [InlineData("Federation__ShardQueue", "shards-poison", "must not end in \"-poison\"")]
    [InlineData("Federation__QueueWorkers", "65", "is not a number from 0 (no shard worker) to 64")]
    [InlineData("Federation__QueueMaxDequeueCount", "0", "is not a number from 1 to 100")]
    [InlineData("Federation__QueueVisibilityTimeout", "0s", "is not a positive duration")]
    [InlineData("Federation__QueuePollingInterval", "often", "is not a positive duration")]
    [InlineData("Federation__QueueRetryDelay", "soon", "is not a duration such as 5s")]
    public void ABadValueIsRefusedNamingTheSetting(string name, string value, string problem)
    {
        var ex = Assert.Throws<ConfigException>(() => Bind((name, value)));
        Assert.Contains($"setting {name}: \"{value}\" {problem}", ex.Message);
    }

    [Theory]
    [InlineData("FederationStorage__queueServiceUri", "https://a.queue.core.windows.net", "FederationStorage__queueServiceUri is set but")]
    public void AQueueUriWithoutIdentityBasedStorageIsRefused(string name, string value, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => Bind((name, value)));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void ABadQueueUriIsRefusedNamingIt()
    {
        var ex = Assert.Throws<ConfigException>(() => Bind(
            ("FederationStorage__tableServiceUri", "https://a.table.core.windows.net"), ("FederationStorage__blobServiceUri", "https://a.blob.core.windows.net"),
            ("FederationStorage__queueServiceUri", "queue")));
        Assert.Contains("FederationStorage__queueServiceUri must be an absolute http(s) URI", ex.Message);
    }

    [Fact]
    public void TheShardQueueComesFromTheStorageSettingsWhenTheyNameAQueueEndpoint()
    {
        Assert.Equal("scrape-shards", Queue()!.Name); // the local emulator
        Assert.Equal("scrape-shards-poison", Queue()!.PoisonName);
        var key = AzuriteServer.AccountKey;
        Assert.NotNull(Queue(("FederationStorage", $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;")));
        // Explicit blob and table endpoints without a queue one: no queue (never a guessed public endpoint).
        Assert.Null(Queue(("FederationStorage", $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};TableEndpoint=http://127.0.0.1:1/devstoreaccount1;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;")));
        (string, string)[] identity = [("FederationStorage__tableServiceUri", "https://a.table.core.windows.net"), ("FederationStorage__blobServiceUri", "https://a.blob.core.windows.net")];
        Assert.Null(Queue(identity));
        Assert.NotNull(Queue([.. identity, ("FederationStorage__queueServiceUri", "https://a.queue.core.windows.net")]));
    }

    [Theory]
    [InlineData("{\"DequeueCount\":3}", 3)]
    [InlineData("{\"DequeueCount\":\"4\"}", 4)]
    [InlineData("{}", 1)]
    public void TheTriggersDequeueCountIsReadAsNumberOrText(string json, long expected)
    {
        var data = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(json)!
            .ToDictionary(p => p.Key, p => (object?)p.Value);
        Assert.Equal(expected, Triggers.ScrapeShardFunction.DequeueCount(data));
    }
}
