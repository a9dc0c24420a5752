using FedFunctions.Core.Configuration;
using FedFunctions.Core.Discovery;

namespace FedFunctions.Core.Tests.Discovery;

public sealed class FileDiscoveryTests : IDisposable
{
    private readonly SdFolder _folder = new();
    private readonly RecordingDiscoveryObserver _observer = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    private static FederationConfig Config(string files, string extra = "") => FederationConfig.Parse($"""
        scrape_configs:
          - job_name: node
            file_sd_configs:
              - files: [{files}]
                refresh_interval: 1m
        {extra}
        """);

    private static string Instances(DiscoveredTargets found) =>
        string.Join(",", found.Active.Select(t => t.Labels.Get("instance")).Order(StringComparer.Ordinal));

    [Fact]
    public async Task JsonAndYamlFilesAddAndRemoveTargetsBetweenRuns()
    {
        _folder.Write("a.json", """[{"targets": ["a:1", "b:1"], "labels": {"env": "prod"}}]""");
        _folder.Write("b.yml", "- targets: ['c:1']\n  labels:\n    env: dev\n");
        var config = Config($"'{_folder.File("a.json")}', '{_folder.File("b.yml")}'");
        using var discovery = new TargetDiscovery(_observer, _clock);

        var first = await discovery.DiscoverAsync(config);
        Assert.Equal("a:1,b:1,c:1", Instances(first));
        var c = first.Active.Single(t => t.Labels.Get("instance") == "c:1");
        Assert.Equal("dev", c.Labels.Get("env"));
        Assert.Equal("node", c.Labels.Get("job"));
        Assert.Equal(_folder.File("b.yml"), c.DiscoveredLabels.Get("__meta_filepath"));
        Assert.Equal("http://c:1/metrics", c.Url.AbsoluteUri);

        // Rewritten (new mtime): read again without waiting for refresh_interval.
        _folder.Write("a.json", """[{"targets": ["b:1"]}, {"targets": ["d:1"], "labels": {"env": "qa"}}]""");
        File.Delete(_folder.File("b.yml"));
        var second = await discovery.DiscoverAsync(config);
        Assert.Equal("b:1,d:1", Instances(second));
        Assert.Empty(_observer.Drain());
        Assert.Empty(second.UncertainJobs);
    }

    [Fact]
    public async Task GlobsMatchFilesAddedLater()
    {
        _folder.Write("one.json", """[{"targets": ["a:1"]}]""");
        _folder.Write("ignored.txt", "not a target file");
        var config = Config($"'{Path.Combine(_folder.Path, "*.json")}'");
        using var discovery = new TargetDiscovery(_observer, _clock);
        Assert.Equal("a:1", Instances(await discovery.DiscoverAsync(config)));

        _folder.Write("two.json", """[{"targets": ["b:1"]}]""");
        var found = await discovery.DiscoverAsync(config);
        Assert.Equal("a:1,b:1", Instances(found));
        Assert.Equal(_folder.File("two.json"), found.Active.Single(t => t.Labels.Get("instance") == "b:1").DiscoveredLabels.Get("__meta_filepath"));
    }

    [Fact]
    public async Task ABrokenFileKeepsItsLastGoodTargetsAndIsReported()
    {
        var path = _folder.Write("a.json", """[{"targets": ["a:1"]}]""");
        var config = Config($"'{path}'");
        using var discovery = new TargetDiscovery(_observer, _clock);
        Assert.Equal("a:1", Instances(await discovery.DiscoverAsync(config)));

        _folder.Write("a.json", """[{"targets": ["a:1", "b:1"]""");
        Assert.Equal("a:1", Instances(await discovery.DiscoverAsync(config)));
        var reported = Assert.Single(_observer.Drain());
        Assert.StartsWith($"file {path}: invalid JSON", reported, StringComparison.Ordinal);

        // Not reported again until the file changes or refresh_interval passes; then read again.
        Assert.Equal("a:1", Instances(await discovery.DiscoverAsync(config)));
        Assert.Empty(_observer.Drain());
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("a:1", Instances(await discovery.DiscoverAsync(config)));
        Assert.Single(_observer.Drain());

        _folder.Write("a.json", """[{"targets": ["b:1"]}]""");
        Assert.Equal("b:1", Instances(await discovery.DiscoverAsync(config)));
    }

    [Theory]
    [InlineData("a.json", """[{"targets": ["a:1"], "label": {}}]""", "unknown field \"label\"")]
    [InlineData("a.json", """[null]""", "nil target group item found")]
    [InlineData("a.json", """{"targets": ["a:1"]}""", "expected a JSON list of target groups")]
    [InlineData("a.json", """[{"targets": [1]}]""", "\"targets\" must be a list of strings")]
    [InlineData("a.json", """[{"targets": ["a:1"], "labels": {"": "x"}}]""", "\"\" is not a valid label name")]
    [InlineData("a.yaml", "- targets: ['a:1']\n  extra: 1\n", "unknown field \"extra\"")]
    [InlineData("a.yaml", "- ~\n", "nil target group item found")]
    [InlineData("a.yaml", "- targets: [a:1\n", "invalid YAML")]
    public async Task InvalidFilesAreReportedAndGiveNoTargets(string name, string content, string expected)
    {
        var path = _folder.Write(name, content);
        using var discovery = new TargetDiscovery(_observer, _clock);
        var found = await discovery.DiscoverAsync(Config($"'{path}'"));
        Assert.Empty(found.Active);
        Assert.Contains(expected, Assert.Single(_observer.Drain()), StringComparison.Ordinal);
        // Never read successfully: the job's stored targets must not be taken for gone.
        Assert.Equal(["node"], found.UncertainJobs);
    }

    [Fact]
    public async Task AFileIsReadAgainWhenItsModificationTimeChangesOrRefreshIntervalPasses()
    {
        var path = _folder.Write("a.json", """[{"targets": ["a:1"]}]""");
        var mtime = File.GetLastWriteTimeUtc(path);
        var config = Config($"'{path}'");
        using var discovery = new TargetDiscovery(_observer, _clock);
        Assert.Equal("a:1", Instances(await discovery.DiscoverAsync(config)));

        // Same size, same modification time: looks unchanged, so it is not read before refresh_interval.
        File.WriteAllText(path, """[{"targets": ["b:1"]}]""");
        File.SetLastWriteTimeUtc(path, mtime);
        Assert.Equal("a:1", Instances(await discovery.DiscoverAsync(config)));
        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("b:1", Instances(await discovery.DiscoverAsync(config)));

        // Same size, new modification time: read at once.
        File.WriteAllText(path, """[{"targets": ["c:1"]}]""");
        File.SetLastWriteTimeUtc(path, mtime.AddSeconds(5));
        Assert.Equal("c:1", Instances(await discovery.DiscoverAsync(config)));
    }

    [Fact]
    public async Task MetaLabelsGoThroughRelabelingAndInvalidTargetsAreSkipped()
    {
        var path = _folder.Write("a.json", """
            [{"targets": ["a:1", "b:2", "bad target", "slow:3"],
              "labels": {"__meta_team": "blue", "__metrics_path__": "/m", "__param_x": "y", "__scheme__": "https"}}]
            """);
        var config = Config($"'{path}'", """
                relabel_configs:
                  - source_labels: [__meta_team]
                    target_label: team
                  - source_labels: [__meta_filepath]
                    regex: '.*/(.*)'
                    target_label: file
                  - source_labels: [__address__]
                    regex: 'b:2'
                    action: drop
                  - source_labels: [__address__]
                    regex: 'slow:3'
                    target_label: __scrape_interval__
                    replacement: 5s
            """);
        using var discovery = new TargetDiscovery(_observer, _clock);
        var found = await discovery.DiscoverAsync(config);

        var a = Assert.Single(found.Active);
        Assert.Equal("https://a:1/m?x=y", a.Url.AbsoluteUri);
        Assert.Equal("blue", a.Labels.Get("team"));
        Assert.Equal("a.json", a.Labels.Get("file"));
        Assert.DoesNotContain(a.Labels, l => l.Name.StartsWith("__", StringComparison.Ordinal));
        Assert.Equal("1m", a.DiscoveredLabels.Get("__scrape_interval__"));
        Assert.Equal("blue", a.DiscoveredLabels.Get("__meta_team"));

        var dropped = Assert.Single(found.Dropped);
        Assert.Equal("b:2", dropped.DiscoveredLabels.Get("__address__"));
        Assert.Equal(1, found.DroppedCounts["node"]);
        var skipped = _observer.Drain();
        Assert.Equal(2, skipped.Length);
        Assert.StartsWith($"skipped node bad target: instance 2 in group {path}:0: ", skipped[0], StringComparison.Ordinal);
        Assert.Equal($"skipped node slow:3: instance 3 in group {path}:0: scrape timeout cannot be greater than scrape interval (\"10s\" > \"5s\")", skipped[1]);
    }
}
