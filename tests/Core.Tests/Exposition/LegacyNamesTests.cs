using System.Text;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Tests.Exposition;

public class LegacyNamesTests
{
    public static TheoryData<string, bool, bool> Names => new()
    {
        // name, is a legacy metric name, is a legacy label name
        { "a", true, true },
        { "_", true, true },
        { "__name__", true, true },
        { "node_cpu_seconds_total", true, true },
        { "Abc_09", true, true },
        { ":", true, false },
        { "job:rate5m", true, false },
        { ":a", true, false },
        { "", false, false },
        { "0a", false, false },
        { "9", false, false },
        { "a.b", false, false },
        { "a-b", false, false },
        { "a b", false, false },
        { "ä", false, false },
        { "aé", false, false },
        { "a\n", false, false },
        { "Ł", false, false },
        { "@", false, false },
        { "[", false, false },
        { "`", false, false },
        { "{", false, false },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void IsMetricName_MatchesClassicSyntax(string name, bool metric, bool _)
    {
        Assert.Equal(metric, LegacyNames.IsMetricName(name.AsSpan()));
        Assert.Equal(metric, LegacyNames.IsMetricName(Encoding.UTF8.GetBytes(name).AsSpan()));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void IsLabelName_MatchesClassicSyntax(string name, bool _, bool label)
    {
        Assert.Equal(label, LegacyNames.IsLabelName(name.AsSpan()));
        Assert.Equal(label, LegacyNames.IsLabelName(Encoding.UTF8.GetBytes(name).AsSpan()));
    }

    [Fact]
    public void StartPredicates_AgreeWithFullChecks_ForEveryAsciiAndLatin1Char()
    {
        for (var c = 0; c < 0x250; c++)
        {
            var one = ((char)c).ToString();
            Assert.Equal(LegacyNames.IsMetricName(one.AsSpan()), LegacyNames.IsMetricNameStart(c));
            Assert.Equal(LegacyNames.IsLabelName(one.AsSpan()), LegacyNames.IsLabelNameStart(c));
            Assert.Equal(char.IsAsciiLetter((char)c) || c == '_' || c == ':', LegacyNames.IsMetricNameStart(c));
            Assert.Equal(char.IsAsciiLetter((char)c) || c == '_', LegacyNames.IsLabelNameStart(c));
        }
    }
}
