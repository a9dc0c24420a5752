using FedFunctions.Core.Model;
using FedFunctions.Core.Scraping;

namespace FedFunctions.Core.Tests.Scraping;

public sealed class TargetLabelMergerTests
{
    private static readonly Labels Target = Labels.Of("instance", "fed:9090", "job", "federate");

    public static TheoryData<string, Labels, bool, Labels> Cases => new()
    {
        { "no clash, honor", Labels.Of("__name__", "m", "a", "1"), true,
            Labels.Of("__name__", "m", "a", "1", "instance", "fed:9090", "job", "federate") },
        { "no clash, no honor", Labels.Of("__name__", "m", "a", "1"), false,
            Labels.Of("__name__", "m", "a", "1", "instance", "fed:9090", "job", "federate") },
        { "clash, honor keeps scraped", Labels.Of("__name__", "m", "job", "src"), true,
            Labels.Of("__name__", "m", "instance", "fed:9090", "job", "src") },
        { "clash, no honor exports", Labels.Of("__name__", "m", "job", "src"), false,
            Labels.Of("__name__", "m", "exported_job", "src", "instance", "fed:9090", "job", "federate") },
        { "same value still exported", Labels.Of("__name__", "m", "job", "federate"), false,
            Labels.Of("__name__", "m", "exported_job", "federate", "instance", "fed:9090", "job", "federate") },
        { "exported name taken adds prefix", Labels.Of("__name__", "m", "job", "a", "exported_job", "b"), false,
            Labels.Of("__name__", "m", "exported_exported_job", "a", "exported_job", "b", "instance", "fed:9090", "job", "federate") },
        { "two clashes", Labels.Of("__name__", "m", "job", "a", "instance", "i"), false,
            Labels.Of("__name__", "m", "exported_instance", "i", "exported_job", "a", "instance", "fed:9090", "job", "federate") },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MergeFollowsPrometheus(string name, Labels scraped, bool honorLabels, Labels expected)
    {
        var actual = TargetLabelMerger.Merge(scraped, Target, honorLabels);
        Assert.True(expected == actual, $"{name}: expected {expected}, got {actual}");
    }

    [Fact]
    public void ExplicitlyEmptyScrapedLabelSuppressesTargetLabelWithHonorLabels()
    {
        // Federated series carry instance="" so the federating server adds no instance of its own.
        var scraped = Labels.Of("__name__", "m", "job", "src");
        Assert.Equal(Labels.Of("__name__", "m", "job", "src"), TargetLabelMerger.Merge(scraped, Target, true, ["instance"]));
        // Without honor_labels an empty scraped value is no conflict: the target value is set.
        Assert.Equal(Labels.Of("__name__", "m", "exported_job", "src", "instance", "fed:9090", "job", "federate"),
            TargetLabelMerger.Merge(scraped, Target, false, ["instance"]));
    }

    [Fact]
    public void EmptyTargetLabelsReturnScrapedInstance()
    {
        var scraped = Labels.Of("__name__", "m");
        Assert.Same(scraped, TargetLabelMerger.Merge(scraped, Labels.Empty, false));
    }
}
