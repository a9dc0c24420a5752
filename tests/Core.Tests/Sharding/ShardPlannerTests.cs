using System.Text;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Sharding;

namespace FedFunctions.Core.Tests.Sharding;

/// <summary>Cutting due targets into shard messages: sizes, the queue's 64 KiB limit, and the message format.</summary>
public sealed class ShardPlannerTests
{
    private const string Hash = "ab12";

    private static IReadOnlyList<ScrapeTarget> Targets(int count, int labelBytes = 0, string interval = "15s")
    {
        var extra = labelBytes > 0 ? $"\n        labels: {{ note: '{new string('x', labelBytes)}' }}" : "";
        var yaml = new StringBuilder($"scrape_configs:\n  - job_name: app\n    scrape_interval: {interval}\n    static_configs:\n      - targets: [");
        yaml.Append(string.Join(", ", Enumerable.Range(0, count).Select(i => $"'host{i}:9100'"))).Append(']').Append(extra).Append('\n');
        return FederationConfig.Parse(yaml.ToString()).Targets();
    }

    [Fact]
    public void CutsTargetsIntoShardsOfTheShardSizeEachTargetOnce()
    {
        var targets = Targets(250);
        var shards = ShardPlanner.Plan(targets, 100, Hash, 1_000, out var tooLarge);

        Assert.Empty(tooLarge);
        Assert.Equal([100, 100, 50], shards.Select(s => s.Targets.Count));
        Assert.Equal(targets.Select(t => t.Url.AbsoluteUri).Order(), shards.SelectMany(s => s.Targets).Select(t => t.Url.AbsoluteUri).Order());
        Assert.All(shards, s => Assert.Equal(s.Targets.Count, ShardMessageCodec.Decode(s.Text).Targets.Count));
    }

    [Fact]
    public void AShardOverTheQueueLimitIsSplitUntilEveryMessageFits()
    {
        // 100 targets with a 1 KiB label each: ~100 KiB of JSON, far over 64 KiB once base64-encoded.
        var targets = Targets(100, labelBytes: 1024);
        var shards = ShardPlanner.Plan(targets, 100, Hash, 1_000, out var tooLarge);

        Assert.Empty(tooLarge);
        Assert.True(shards.Count > 1, $"expected the shard to be split, got {shards.Count}");
        Assert.All(shards, s => Assert.InRange(Convert.ToBase64String(Encoding.UTF8.GetBytes(s.Text)).Length, 1, ShardMessageCodec.MaxQueueMessageBytes));
        Assert.Equal(100, shards.Sum(s => s.Targets.Count));
        Assert.Equal(targets.Select(t => t.Labels).Order(), shards.SelectMany(s => ShardMessageCodec.Decode(s.Text).Targets).Select(t => t.Labels).Order());
    }

    [Fact]
    public void ATargetTooLargeForAnyMessageIsReturnedToBeScrapedInline()
    {
        var targets = Targets(3, labelBytes: 2000);
        var shards = ShardPlanner.Plan(targets, 3, Hash, 1_000, out var tooLarge, maxMessageBytes: 1024);

        Assert.Empty(shards);
        Assert.Equal(3, tooLarge.Count);
    }

    [Fact]
    public void ShardsGroupTargetsOfTheSameInterval()
    {
        var config = FederationConfig.Parse(
            "scrape_configs:\n  - job_name: slow\n    scrape_interval: 1m\n    static_configs:\n      - targets: ['a:1', 'b:1']\n" +
            "  - job_name: fast\n    scrape_interval: 5s\n    static_configs:\n      - targets: ['c:1', 'd:1']\n");
        var shards = ShardPlanner.Plan(config.Targets(), 2, Hash, 1_000, out _);

        Assert.Equal(["fast", "slow"], shards.Select(s => Assert.Single(s.Targets.Select(t => t.Job.JobName).Distinct())));
        Assert.Equal(TimeSpan.FromSeconds(5), shards[0].Message.ShortestInterval);
    }

    [Fact]
    public void AMessageRoundTripsToTheSameScrapeTargets()
    {
        var config = FederationConfig.Parse(
            "scrape_configs:\n  - job_name: app\n    scrape_interval: 30s\n    scrape_timeout: 7s\n    metrics_path: /m\n    params: { 'match[]': ['up'] }\n" +
            "    static_configs:\n      - targets: ['h:1']\n        labels: { team: 'a\"b\\\\c', 'ünï': 'x' }\n");
        var target = config.Targets()[0] with { ForcedError = "target_limit exceeded (number of targets: 2, limit: 1)" };
        var text = ShardMessageCodec.Encode(new ShardMessage(Hash, 123, [ShardMessageCodec.FromTarget(target)]));

        var decoded = ShardMessageCodec.Decode(text);
        var back = ShardMessageCodec.ToTarget(Assert.Single(decoded.Targets), config);

        Assert.Equal((Hash, 123L), (decoded.ConfigHash, decoded.ScheduledMs));
        Assert.Equal(target.Url, back.Url);
        Assert.Equal(target.Labels, back.Labels);
        Assert.Equal((target.ScrapeInterval, target.ScrapeTimeout, target.ForcedError), (back.ScrapeInterval, back.ScrapeTimeout, back.ForcedError));
        Assert.Same(config.ScrapeConfigs[0], back.Job);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("app/h%3A1~abc/1700000000000")]
    public void AStoredVersionTravelsWithItsTarget(string? blob)
    {
        var config = FederationConfig.Parse("scrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['h:1', 'h:2']\n");
        var targets = config.Targets();
        var key = Core.Storage.SnapshotStore.KeyFor("app", targets[0].Labels);
        var version = new Core.Storage.SnapshotVersion(key, 1_700_000_000_000, "W/\"datetime'2026-11-27T13%3A00%3A00.1234567Z'\"", blob);

        var shard = Assert.Single(ShardPlanner.Plan(targets, 2, Hash, 1, out _, stored: new Dictionary<Core.Storage.TargetKey, Core.Storage.SnapshotVersion> { [key] = version }));
        var decoded = ShardMessageCodec.Decode(shard.Text).Targets;

        Assert.Equal(version, decoded.Single(t => t.Labels.Equals(targets[0].Labels)).Stored);
        Assert.Null(decoded.Single(t => t.Labels.Equals(targets[1].Labels)).Stored); // never stored: nothing to carry
    }

    [Theory]
    [InlineData("not json", "not a shard message")]
    [InlineData("[1]", "not a JSON object")]
    [InlineData("{\"v\":2,\"config\":\"a\",\"scheduled\":1,\"targets\":[]}", "format version 2")]
    [InlineData("{\"v\":1,\"config\":\"a\",\"scheduled\":1,\"targets\":[]}", "no targets")]
    [InlineData("{\"v\":1,\"config\":\"a\",\"targets\":[]}", "\"scheduled\" is missing")]
    [InlineData("{\"v\":1,\"config\":\"a\",\"scheduled\":1,\"targets\":[{\"job\":\"j\",\"url\":\"http://h/\",\"labels\":[\"a\"],\"interval\":1,\"timeout\":1}]}", "name/value pairs")]
    [InlineData("{\"v\":1,\"config\":\"a\",\"scheduled\":1,\"targets\":[{\"job\":\"j\",\"url\":\"http://h/\",\"labels\":[],\"interval\":0,\"timeout\":1}]}", "must be positive")]
    public void BadMessagesAreRefusedWithTheReason(string text, string reason)
    {
        var ex = Assert.Throws<ShardMessageException>(() => ShardMessageCodec.Decode(text));
        Assert.Contains(reason, ex.Message);
    }

    [Fact]
    public void AJobTheWorkersConfigurationLacksIsRefused()
    {
        var message = ShardMessageCodec.Decode(ShardMessageCodec.Encode(new ShardMessage(Hash, 1, [ShardMessageCodec.FromTarget(Targets(1)[0])])));
        var other = FederationConfig.Parse("scrape_configs:\n  - job_name: other\n    static_configs:\n      - targets: ['h:1']\n");

        var ex = Assert.Throws<ShardMessageException>(() => ShardMessageCodec.ToTarget(message.Targets[0], other));
        Assert.Contains("job \"app\"", ex.Message);
    }

    [Fact]
    public void AShardExpiresOnceItsShortestIntervalHasPassed()
    {
        var message = new ShardMessage(Hash, 10_000, [ShardMessageCodec.FromTarget(Targets(1, interval: "15s")[0])]);
        Assert.False(message.IsExpiredAt(10_000 + 15_000));
        Assert.True(message.IsExpiredAt(10_000 + 15_001));
    }

    [Theory]
    [InlineData("scrape-shards", null)]
    [InlineData("ab", "3 to 56")]
    [InlineData("Shards", "lower-case")]
    [InlineData("a--b", "single hyphens")]
    [InlineData("-ab", "start and end")]
    [InlineData("shards-poison", "must not end")]
    public void QueueNamesAreChecked(string name, string? problem)
    {
        var error = ShardQueueClient.NameError(name);
        if (problem is null) Assert.Null(error);
        else Assert.Contains(problem, error);
    }
}
