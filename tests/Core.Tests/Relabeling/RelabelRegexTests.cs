using FedFunctions.Core.Relabeling;

namespace FedFunctions.Core.Tests.Relabeling;

public sealed class RelabelRegexTests
{
    [Theory]
    [InlineData("foo", "foo", true)]
    [InlineData("foo", "foobar", false)]
    [InlineData("foo", "xfoo", false)]
    [InlineData("fo+|bar", "bar", true)]
    [InlineData(".*", "line1\nline2", true)]
    [InlineData("", "", true)]
    [InlineData("", "x", false)]
    [InlineData("[a-z]+_total", "requests_total", true)]
    public void MatchesWholeValue(string pattern, string value, bool expected)
    {
        Assert.Equal(expected, new RelabelRegex(pattern).IsMatch(value));
    }

    [Theory]
    [InlineData("(?P<a>x)(y)", "$1$2", "xy")]
    [InlineData("(?P<a>x)(y)", "${a}-$2", "x-y")]
    [InlineData("(?<a>x)(y)", "$a$2", "xy")]
    [InlineData("(x)(y)", "$3", "")]
    [InlineData("(x)(y)", "$nope", "")]
    [InlineData("(x)(y)", "a$", "a$")]
    [InlineData("(x)(y)", "${1}0", "x0")]
    [InlineData("(x)(y)", "$10", "")]
    [InlineData(@"\((x)\)[(](y)", "$1$2", "xy")]
    public void ExpandFollowsGoRules(string pattern, string template, string expected)
    {
        var regex = new RelabelRegex(pattern);
        var input = pattern.StartsWith(@"\(", StringComparison.Ordinal) ? "(x)(y" : "xy";
        var match = regex.Match(input);
        Assert.NotNull(match);
        Assert.Equal(expected, regex.Expand(template, match));
    }

    [Theory]
    [InlineData("(abc")]
    [InlineData("a{2,1}")]
    [InlineData(@"(a)\1")]
    public void InvalidOrBacktrackingPatternsAreRejected(string pattern)
    {
        var ex = Assert.Throws<ArgumentException>(() => new RelabelRegex(pattern));
        Assert.StartsWith($"invalid regex \"{pattern}\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HostilePatternRunsInLinearTime()
    {
        // (a+)+$ against a long non-matching input stalls a backtracking engine; NonBacktracking returns promptly.
        var regex = new RelabelRegex("(a+)+b");
        var value = new string('a', 50_000);
        Assert.False(regex.IsMatch(value));
    }
}
