using System.Globalization;
using System.Net;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using FedFunctions.Core.Sharding;
using FedFunctions.Core.Storage;
using FedFunctions.Functions.Hosting;
using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// Fan-out across processes, as instances share it in Azure: one scheduler and two worker processes of the built
/// executable on one Azurite, 300 loopback targets in shards of 50. One worker is killed with SIGKILL in the middle of
/// its shards; its messages come back when their lease ends and the other worker scrapes them. A message that cannot
/// be read lands in the poison queue.
/// </summary>
[Collection(ShardProcessesCollection.Name)]
public sealed class ShardProcessesTests : IAsyncLifetime
{
    private const int Targets = 300;
    private const string Queue = "e2e-shards";
    private const string Table = "e2eshards";

    private static string App => Path.Combine(Path.GetDirectoryName(typeof(StandaloneApp).Assembly.Location)!, "FedFunctions.Functions.dll");

    private AzuriteServer _azurite = null!;
    private TargetServer _targets = null!;
    private string _directory = null!;
    private readonly List<ManagedProcess> _processes = [];

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        _targets = await TargetServer.StartAsync();
        // Slow targets, so a shard of 50 (10 at a time per worker) takes seconds and a worker can be killed in the middle of one.
        for (var i = 0; i < Targets; i++)
            _targets.Serve($"/t/{i}", TargetResponse.Text($"# TYPE fan_value gauge\nfan_value {i}\n") with { Delay = TimeSpan.FromMilliseconds(200) });
        _directory = Directory.CreateTempSubdirectory("fedfn-shards-").FullName;
        var yaml = new StringBuilder("scrape_configs:\n  - job_name: fan\n    scrape_interval: 2m\n    scrape_timeout: 10s\n    static_configs:\n");
        for (var i = 0; i < Targets; i++)
            yaml.Append(CultureInfo.InvariantCulture, $"      - targets: ['{_targets.HostPort}']\n        labels: {{ __metrics_path__: '/t/{i}', idx: '{i}' }}\n");
        await File.WriteAllTextAsync(Path.Combine(_directory, "prometheus.yml"), yaml.ToString());
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes) process.Dispose();
        await _targets.DisposeAsync();
        await _azurite.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private (ManagedProcess Process, HttpClient Http) Start(bool scheduler)
    {
        var port = FreePort.Next();
        var process = new ManagedProcess("dotnet", [App, "--urls", $"http://127.0.0.1:{port}"], _directory, new Dictionary<string, string>
        {
            ["FederationStorage"] = _azurite.ConnectionString,
            ["Federation__ConfigPath"] = Path.Combine(_directory, "prometheus.yml"),
            ["Federation__SnapshotTable"] = Table,
            ["Federation__SnapshotContainer"] = Table,
            ["ScrapeSchedule"] = "0 0 0 1 1 *", // the test starts the run with POST /-/scrape
            ["Federation__LocalScheduler"] = scheduler ? "true" : "false",
            ["Federation__QueueWorkers"] = scheduler ? "0" : "2",
            ["Federation__ShardSize"] = "50",
            ["Federation__ShardQueue"] = Queue,
            ["Federation__MaxConcurrency"] = "10",
            ["Federation__QueueVisibilityTimeout"] = "3s",
            ["Federation__QueueRetryDelay"] = "0",
            ["Federation__QueuePollingInterval"] = "300ms",
        });
        _processes.Add(process);
        return (process, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) });
    }

    private static Task<string> ReadyAsync(ManagedProcess process, HttpClient http) => Poll.UntilAsync(async () =>
    {
        if (process.HasExited) throw new InvalidOperationException("app exited: " + process.Output);
        try
        {
            using var response = await http.GetAsync("/");
            return response.StatusCode == HttpStatusCode.OK ? "ready" : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }, TimeSpan.FromSeconds(60), "the app to answer GET /");

    private static async Task<double> MetricAsync(HttpClient http, string series) =>
        ExpositionText.Samples(await http.GetStringAsync("/metrics")).TryGetValue(series, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : 0;

    private static async Task<int> FederatedTargetsAsync(HttpClient http)
    {
        var body = await http.GetStringAsync("/federate?match[]=fan_value");
        return ExpositionText.Samples(body).Keys.Select(k => k.Split("idx=\"")[1].Split('"')[0]).Distinct().Count();
    }

    [Fact]
    public async Task EveryTargetIsScrapedOnceAWorkerIsKilledMidShard_AndAnUnreadableMessageIsPoisoned()
    {
        var scheduler = Start(scheduler: true);
        var doomed = Start(scheduler: false);
        var survivor = Start(scheduler: false);
        foreach (var (process, http) in new[] { scheduler, doomed, survivor }) await ReadyAsync(process, http);
        var runStart = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        using var run = await scheduler.Http.PostAsync("/-/scrape", content: null);
        var summary = await run.Content.ReadAsStringAsync();
        Assert.True(run.IsSuccessStatusCode, summary);
        Assert.Contains("\"shardsSent\":6", summary, StringComparison.Ordinal);
        Assert.Contains("\"targetsSent\":300", summary, StringComparison.Ordinal);

        // Kill one worker once it is in the middle of its shards: it has scraped targets but finished no shard.
        await Poll.UntilAsync(async () => await MetricAsync(doomed.Http, "fedfunctions_target_scrapes_total{outcome=\"success\"}") > 0 ? "scraping" : null,
            TimeSpan.FromSeconds(60), "the doomed worker to scrape");
        var doomedCompleted = await MetricAsync(doomed.Http, "fedfunctions_shard_messages_total{outcome=\"completed\"}");
        AzuriteServer.Signal(doomed.Process.Id, "-KILL");
        Assert.True(doomed.Process.WaitForExit(TimeSpan.FromSeconds(10)), "SIGKILL did not end the worker");
        Assert.True(doomedCompleted < 2, $"the doomed worker had already finished {doomedCompleted} shards: not killed mid-run");

        // The survivor takes the dead worker's messages once their lease ends: every target gets a fresh snapshot.
        var store = new SnapshotStore(new TableServiceClient(_azurite.ConnectionString), new BlobServiceClient(_azurite.ConnectionString), new SnapshotStoreOptions { TableName = Table, ContainerName = Table });
        await Poll.UntilAsync(async () =>
        {
            var fresh = (await store.ListVersionsAsync("fan")).Count(v => v.ScrapeTimestampMs >= runStart);
            return fresh == Targets ? "all fresh" : null;
        }, TimeSpan.FromSeconds(90), "every target's snapshot to be fresh");
        // A shard the doomed worker finished but had not yet deleted is done again: at least the rest. Its count was read
        // just before the kill, and each of its two consumers may have finished the shard it was on since.
        Assert.True(await MetricAsync(survivor.Http, "fedfunctions_shard_messages_total{outcome=\"completed\"}") >= 6 - doomedCompleted - 2);
        Assert.Equal(6, await MetricAsync(scheduler.Http, "fedfunctions_shard_messages_total{outcome=\"sent\"}"));

        // /federate on any process serves all of them.
        Assert.Equal(Targets, await FederatedTargetsAsync(scheduler.Http));
        Assert.Equal(Targets, await FederatedTargetsAsync(survivor.Http));

        // A message no worker can read ends in the poison queue, counted on /metrics.
        var queue = new QueueClient(_azurite.ConnectionString, Queue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.SendMessageAsync("not a shard");
        await Poll.UntilAsync(async () => await MetricAsync(survivor.Http, "fedfunctions_shard_messages_total{outcome=\"poisoned\"}") == 1 ? "poisoned" : null,
            TimeSpan.FromSeconds(30), "the unreadable message to be poisoned");
        var poison = new QueueClient(_azurite.ConnectionString, Queue + ShardQueueClient.PoisonSuffix, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        Assert.Equal("not a shard", Assert.Single((await poison.ReceiveMessagesAsync(32)).Value).Body.ToString());
        // A message the killed worker had finished but not deleted reappears when its lease ends and is done again.
        await Poll.UntilAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0 ? "empty" : null,
            TimeSpan.FromSeconds(30), "the shard queue to be empty");
    }
}

/// <summary>The multi-process fan-out test runs apart from the other collections, in parallel with them.</summary>
[CollectionDefinition(Name)]
public sealed class ShardProcessesCollection
{
    public const string Name = "ShardProcesses";
}
