using FedFunctions.Core.Selectors;

namespace FedFunctions.Core.Tests.Selectors;

/// <summary>
/// match[] with Prometheus 3's quoted names (promql/parser string_identifier): the forms of
/// parse_test.go and its series-description failures, as ParseMetricSelector answers them.
/// </summary>
public sealed class QuotedSelectorTests
{
    private static string Describe(Selector s) => string.Join(" ", s.Matchers.Select(m => $"{m.Name}|{m.Type.ToOperator()}|{m.Value}"));

    public static TheoryData<string, string> Valid => new()
    {
        { "{\"my.metric\"}", "__name__|=|my.metric" },
        { "{\"my.metric\", \"a.b\"=\"c\"}", "__name__|=|my.metric a.b|=|c" },
        { "{\"my.metric\",\"a.b\"=\"c\",}", "__name__|=|my.metric a.b|=|c" },
        { "{__name__=\"my.metric\"}", "__name__|=|my.metric" },
        { "{__name__=~\"my\\\\..*\"}", "__name__|=~|my\\..*" },
        { "{\"foo\"}", "__name__|=|foo" },
        { "{\"foo\", a=\"bc\"}", "__name__|=|foo a|=|bc" },
        { "{'foo\\'bar', 'a\\\\dos\\\\path'='boo\\\\urns'}", "__name__|=|foo'bar a\\dos\\path|=|boo\\urns" },
        { "{'foo\\'bar', `a\\dos\\path`=\"boo\"}", "__name__|=|foo'bar a\\dos\\path|=|boo" },
        // Allowed by the grammar: a quoted name next to a __name__ matcher, or two quoted names (both must hold).
        { "{\"bar\", __name__=\"baz\"}", "__name__|=|bar __name__|=|baz" },
        { "{\"a\", \"b\"}", "__name__|=|a __name__|=|b" },
        { "{\"http.requests\", \"service.name\"=\"api-server\", instance=\"0\", group=\"canary\"}", "__name__|=|http.requests service.name|=|api-server instance|=|0 group|=|canary" },
        { "{\"a.b\"!=\"c\", \"d.e\"=~\"f.*\", \"g.h\"!~\"i\"}", "a.b|!=|c d.e|=~|f.* g.h|!~|i" },
        // Without checkAST (ParseMetricSelector skips it) a name outside and one inside are both kept.
        { "foo{\"a.b\"}", "__name__|=|a.b __name__|=|foo" },
        // A quoted legacy name is the same name.
        { "{\"up\"}", "__name__|=|up" },
        { "{\"花火\"=\"x\"}", "花火|=|x" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void QuotedNamesParse(string input, string expected)
    {
        Assert.Equal(expected, Describe(SelectorParser.Parse(input)));
    }

    [Fact]
    public void QuotedAndPlainFormsSelectTheSameSeries()
    {
        var inside = SelectorParser.Parse("{\"my.metric\"}");
        var matcher = SelectorParser.Parse("{__name__=\"my.metric\"}");
        Assert.Equal(Describe(matcher), Describe(inside));
        Assert.Equal("my.metric", inside.MetricName);
    }

    public static TheoryData<string, string> Invalid => new()
    {
        // parse_test.go's series-description failures, with ParseMetricSelector's "label matching" wording.
        { "{\"http.requests\"xx}", "1:17: parse error: unexpected identifier \"xx\" in label matching, expected \",\" or \"}\"" },
        { "{\"http.requests\"=, x=\"y\"}", "1:18: parse error: unexpected \",\" in label matching, expected string" },
        { "{\"http.requests}", "1:2: parse error: unterminated quoted string" },
        // A quoted name belongs inside the braces.
        // (Go prints an item longer than 10 bytes as its first 10 runes, quoted, then "...".)
        { "\"my.metric\"", "1:1: parse error: unexpected string \"\\\"my.metric\"..." },
        { "\"my.metric\"{}", "1:1: parse error: unexpected string \"\\\"my.metric\"..." },
        { "\"a.b\"", "1:1: parse error: unexpected string \"\\\"a.b\\\"\"" },
        // Names and matchers still need their separators and a string value.
        { "{\"a\" \"b\"}", "1:6: parse error: unexpected string \"\\\"b\\\"\" in label matching, expected \",\" or \"}\"" },
        { "{\"a.b\"=c}", "1:8: parse error: unexpected identifier \"c\" in label matching, expected string" },
        { "{\"a.b\"==\"c\"}", "1:8: parse error: unexpected \"=\" in label matching, expected string" },
        { "{\"a.b\"=\"c\"", "1:11: parse error: unexpected end of input inside braces" },
        { "{\"a\\q\"}", "1:2: parse error: unknown escape sequence U+0071 'q'" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void MalformedQuotedNamesFailAsInPrometheus3(string input, string expected)
    {
        var e = Assert.Throws<SelectorParseException>(() => SelectorParser.Parse(input));
        Assert.Equal(expected, e.Message);
    }
}
