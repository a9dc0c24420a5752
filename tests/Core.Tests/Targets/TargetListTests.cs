using FedFunctions.Core.Configuration;
using FedFunctions.Core.Model;
using FedFunctions.Core.Targets;

namespace FedFunctions.Core.Tests.Targets;

/// <summary>The target list of a configuration and its stored form.</summary>
public sealed class TargetListTests
{
    private static readonly FederationConfig Config = FederationConfig.Parse("""
        global:
          scrape_interval: 1m30s
        scrape_configs:
          - job_name: app
            scrape_timeout: 10s
            params:
              module: [http_2xx]
            static_configs:
              - targets: ['a:9100', 'drop:9100']
                labels:
                  team: "<ops>"
            relabel_configs:
              - source_labels: [__address__]
                regex: 'drop:.*'
                action: drop
        """);

    [Fact]
    public void ActiveAndDroppedTargetsKeepTheirLabelsURLsAndScrapeSettings()
    {
        var list = TargetList.From(Config.Targets(), Config.DroppedTargets());
        var target = Assert.Single(list.Active);
        Assert.Equal("app", target.ScrapePool);
        Assert.Equal("http://a:9100/metrics?module=http_2xx", target.ScrapeUrl);
        Assert.Equal("1m30s", target.ScrapeInterval);
        Assert.Equal("10s", target.ScrapeTimeout);
        Assert.Equal(Labels.Of("instance", "a:9100", "job", "app", "team", "<ops>"), target.Labels);
        // As Prometheus lists them: the address, scheme, path, params, job and the job's interval and timeout.
        Assert.Equal("a:9100", target.DiscoveredLabels.Get("__address__"));
        Assert.Equal("http_2xx", target.DiscoveredLabels.Get("__param_module"));
        Assert.Equal("1m30s", target.DiscoveredLabels.Get("__scrape_interval__"));
        Assert.Equal("10s", target.DiscoveredLabels.Get("__scrape_timeout__"));

        var dropped = Assert.Single(list.Dropped);
        Assert.Equal("drop:9100", dropped.DiscoveredLabels.Get("__address__"));
        Assert.Equal(1, list.DroppedTotal);
    }

    [Fact]
    public void TheStoredFormReadsBackTheSame()
    {
        var list = TargetList.From(Config.Targets(), Config.DroppedTargets());
        var decoded = TargetListCodec.Decode(TargetListCodec.Encode(list));
        Assert.Equal(list.Active, decoded.Active);
        Assert.Equal(list.Dropped, decoded.Dropped);
        Assert.Equal(list.DroppedTotal, decoded.DroppedTotal);
        // Label order is kept (labels are sorted; the codec must not reorder them).
        Assert.Equal(list.Active[0].DiscoveredLabels.Select(l => l.Name), decoded.Active[0].DiscoveredLabels.Select(l => l.Name));
        // Equal lists encode to equal bytes, so an unchanged list is recognised and not written again.
        Assert.Equal(TargetListCodec.Encode(list), TargetListCodec.Encode(decoded));
    }

    [Fact]
    public void DroppedTargetsAreBoundedButCounted()
    {
        var targets = string.Join(", ", Enumerable.Range(0, TargetList.MaxDroppedTargets + 5).Select(i => $"'d{i}:1'"));
        var config = FederationConfig.Parse($"scrape_configs:\n  - job_name: j\n    static_configs:\n      - targets: [{targets}]\n    relabel_configs:\n      - action: drop\n        regex: '.*'\n        source_labels: [__address__]\n");
        var list = TargetList.From(config.Targets(), config.DroppedTargets());
        Assert.Equal(TargetList.MaxDroppedTargets, list.Dropped.Count);
        Assert.Equal(TargetList.MaxDroppedTargets + 5, list.DroppedTotal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"v\":2,\"active\":[],\"dropped\":[],\"droppedTotal\":0}")]
    [InlineData("{\"v\":1,\"active\":[{\"pool\":\"a\"}],\"dropped\":[],\"droppedTotal\":0}")]
    [InlineData("{\"v\":1,\"active\":[],\"dropped\":[],\"droppedTotal\":\"x\"}")]
    public void AnythingElseIsRefusedWithAReason(string stored)
    {
        var ex = Assert.Throws<InvalidDataException>(() => TargetListCodec.Decode(System.Text.Encoding.UTF8.GetBytes(stored)));
        Assert.StartsWith("the stored target list ", ex.Message);
    }
}
