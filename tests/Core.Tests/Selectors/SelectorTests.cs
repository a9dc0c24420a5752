using FedFunctions.Core.Model;
using FedFunctions.Core.Selectors;

namespace FedFunctions.Core.Tests.Selectors;

public class SelectorTests
{
    private static readonly Labels Up = Labels.Of("__name__", "up", "job", "api", "instance", "h:9100");
    private static readonly Labels NoJob = Labels.Of("__name__", "up", "instance", "h:9100");

    public static TheoryData<string, bool, bool> Cases => new()
    {
        { "up", true, true },
        { "down", false, false },
        { "{}", false, false },                     // zero matchers: matches nothing (federation semantics)
        { "{foo=\"\"}", true, true },               // foo is absent everywhere
        { "{job=\"\"}", false, true },              // series without job
        { "{job!=\"\"}", true, false },             // series with job
        { "{job=~\"api|\"}", true, true },          // job="api" or absent
        { "{job!~\".+\"}", false, true },           // no job
        { "{__name__=~\".*\"}", true, true },
        { "{__name__=~\"u.\", job=~\"a.*\"}", true, false },
        { "up{job=~\"a.*\", job!=\"api\"}", false, false }, // matchers on one label are ANDed
        { "{instance=~\"h:.*\", instance!~\".*:9090\"}", true, true },
        { "up{__name__=\"down\"}", false, false },  // two names: nothing matches
        { "{\"job\"=\"api\"}", true, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_label_sets(string selector, bool matchesUp, bool matchesNoJob)
    {
        var s = SelectorParser.Parse(selector);
        Assert.Equal(matchesUp, s.Matches(Up));
        Assert.Equal(matchesNoJob, s.Matches(NoJob));
    }

    [Fact]
    public void Empty_label_set_matches_only_selectors_that_accept_absence()
    {
        Assert.True(SelectorParser.Parse("{job=\"\"}").Matches(Labels.Empty));
        Assert.False(SelectorParser.Parse("{}").Matches(Labels.Empty));
        Assert.False(SelectorParser.Parse("up").Matches(Labels.Empty));
    }

    [Fact]
    public void Exposes_text_and_matchers()
    {
        var s = SelectorParser.Parse("up{job=\"api\"}");
        Assert.Equal("up{job=\"api\"}", s.Text);
        Assert.Equal("up{job=\"api\"}", s.ToString());
        Assert.Equal(["job=\"api\"", "__name__=\"up\""], s.Matchers.Select(m => m.ToString()));
        Assert.Equal("up", s.MetricName);
    }
}
