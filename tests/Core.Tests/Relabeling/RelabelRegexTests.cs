using FedFunctions.Core.Configuration;
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
    [InlineData("[[:digit:]]+", "9100", true)]
    [InlineData("[[:digit:]]+", "91a0", false)]
    [InlineData(@"\Q.\E", ".", true)]
    [InlineData(@"\Q.\E", "x", false)]
    [InlineData(@"\Qa+b\E", "a+b", true)]
    [InlineData(@"\d+", "\u0661\u0662", false)] // \d is ASCII-only in RE2
    [InlineData(@"\w+", "caf\u00E9", false)]
    [InlineData("(?i)node_.*", "NODE_cpu", true)]
    [InlineData("(?i:a)b", "AB", false)]
    [InlineData("a.c", "a\nc", true)] // the s flag is on, as Prometheus' (?s:...)
    [InlineData("(?-s)a.c", "a\nc", false)]
    [InlineData("foo|bar", "bar", true)] // a fast-path shape
    [InlineData("foo|bar", "foobar", false)]
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
    [InlineData("(x)(y)", "$$1", "$1")]
    [InlineData("(x)(y)", "${}", "${}")]
    [InlineData("(x)(y)", "${1", "${1")]
    [InlineData("(x)(y)", "$01", "")] // a leading zero makes it a name, and there is no such name
    [InlineData("(x)(y)", "$1\u00E9", "")] // Go's names run over Unicode letters: "1é" is an unknown name
    [InlineData("(x)(y)", "$-", "$-")]
    [InlineData("(?P<n>x)(y)", "$n_$2", "y")] // "n_" is the (unknown) name
    [InlineData("(?P<n>x)(y)", "${n}_$2", "x_y")]
    public void ExpandFollowsGoRules(string pattern, string template, string expected)
    {
        var regex = new RelabelRegex(pattern);
        var input = pattern.StartsWith(@"\(", StringComparison.Ordinal) ? "(x)(y" : "xy";
        var match = regex.Match(input);
        Assert.NotNull(match);
        Assert.Equal(expected, regex.Expand(template, match));
    }

    [Theory]
    [InlineData("(?P<host>[^:]+):(?P<port>\\d+)", "node-1:9100", "${host}|$2|$port|$1", "node-1|9100|9100|node-1")]
    [InlineData("((a)(b))", "ab", "$1 $2 $3", "ab a b")]
    [InlineData("(?:x)(y)", "xy", "$1|$2", "y|")]
    [InlineData("(?i)(abc)", "AbC", "$1", "AbC")]
    [InlineData("(?P<n>a)|(?P<n>b)", "b", "$n|$1|$2", "b||b")] // a repeated name takes the group that participated
    [InlineData("(a)|(b)", "b", "[$1][$2]", "[][b]")]
    [InlineData("([[:alpha:]]+)_(\\d+)", "cpu_42", "${2}_$1", "42_cpu")]
    [InlineData("(\\Q(\\E)(x)", "(x", "$1$2", "(x")] // \Q( is a literal, not a group
    [InlineData("(a|ab)(c|bcd)(d*)", "abcd", "$1|$2|$3", "a|bcd|")] // leftmost-first (Perl) submatches, as in RE2
    [InlineData("(a*)(a*)", "aaa", "$1|$2", "aaa|")]
    [InlineData("(a*?)(a*)", "aaa", "$1|$2", "|aaa")]
    [InlineData("(?:(a)|b)+", "ab", "$1", "a")]
    [InlineData("(.*)", "x", "$1$1", "xx")]
    public void GroupsAreNumberedAsInRe2(string pattern, string value, string template, string expected)
    {
        var regex = new RelabelRegex(pattern);
        var match = regex.Match(value);
        Assert.NotNull(match);
        Assert.Equal(expected, regex.Expand(template, match));
    }

    [Theory]
    [InlineData("(abc", "error parsing regexp: missing closing ): `(abc`")]
    [InlineData("[[:foo:]]", "error parsing regexp: invalid character class range: `[:foo:]`")]
    [InlineData("(?=a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`")]
    [InlineData("a**", "error parsing regexp: invalid nested repetition operator: `**`")]
    [InlineData("(?P<>a)", "error parsing regexp: invalid named capture: `(?P<>`")]
    [InlineData("a{1001}", "error parsing regexp: invalid repeat count: `{1001}`")]
    public void ErrorsReadLikeSelectorErrors(string pattern, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => new RelabelRegex(pattern));
        Assert.Equal($"invalid regex \"{pattern}\": {expected}", ex.Message);
    }

    public static TheoryData<string> OversizedPatterns => new()
    {
        string.Concat(Enumerable.Repeat("[a-z]{1000}", 11)), // the automaton would be too large
        new string('a', 16 * 1024 + 1), // too long to parse at all
    };

    [Theory]
    [MemberData(nameof(OversizedPatterns))]
    public void OversizedPatternIsRejected(string pattern)
    {
        var ex = Assert.Throws<ArgumentException>(() => new RelabelRegex(pattern));
        Assert.Contains("error parsing regexp: expression too large", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.Message.Length < 300, "the message quotes a shortened pattern");
    }

    [Fact]
    public void ALongLiteralAllowListWorksForKeepButNotForReplace()
    {
        // Common in metric_relabel_configs: keep hundreds of metric names. It matches on the set fast path;
        // only rules that expand $1 need the capturing regex, which is too large here.
        var names = Enumerable.Range(0, 800).Select(i => "metric_name_" + i).ToArray();
        var pattern = "(" + string.Join('|', names) + ")";
        var regex = new RelabelRegex(pattern);
        Assert.True(regex.IsMatch("metric_name_799"));
        Assert.False(regex.IsMatch("metric_name_800"));

        var keep = "scrape_configs:\n  - job_name: node\n    metric_relabel_configs:\n      - source_labels: [__name__]\n" +
                   $"        regex: '{pattern}'\n        action: keep\n";
        Assert.Single(FederationConfig.Parse(keep).ScrapeConfigs[0].MetricRelabelConfigs);

        var replace = keep.Replace("action: keep", "action: replace\n        target_label: kept", StringComparison.Ordinal);
        var ex = Assert.Throws<ConfigException>(() => FederationConfig.Parse(replace));
        Assert.Contains("error parsing regexp: expression too large", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OversizedPatternIsRejectedAtConfigLoadWithLine()
    {
        var pattern = string.Concat(Enumerable.Repeat("[a-z]{1000}", 11));
        var yaml = "scrape_configs:\n  - job_name: node\n    metric_relabel_configs:\n      - source_labels: [a]\n" +
                   $"        regex: '{pattern}'\n        action: keep\n";
        var ex = Assert.Throws<ConfigException>(() => FederationConfig.Parse(yaml));
        Assert.Equal(5, ex.Line);
        Assert.StartsWith("config:5: invalid regex \"[a-z]{1000}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("error parsing regexp: expression too large", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("in scrape_configs[0].metric_relabel_configs[0]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Re2SyntaxIsAcceptedAtConfigLoad()
    {
        var yaml = "scrape_configs:\n  - job_name: node\n    relabel_configs:\n      - source_labels: [__address__]\n" +
                   "        regex: '(?P<host>[^:]+):[[:digit:]]+'\n        target_label: host\n        replacement: '${host}'\n";
        var config = FederationConfig.Parse(yaml);
        var rule = Assert.Single(config.ScrapeConfigs[0].RelabelConfigs);
        var match = rule.Regex.Match("node:9100");
        Assert.NotNull(match);
        Assert.Equal("node", rule.Regex.Expand(rule.Replacement, match));
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
