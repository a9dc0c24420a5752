using FedFunctions.Core.Selectors;

namespace FedFunctions.Core.Tests.Selectors;

public class SelectorParserTests
{
    private static string Describe(Selector s) => string.Join(" ", s.Matchers.Select(m => $"{m.Name}|{m.Type.ToOperator()}|{m.Value}"));

    public static TheoryData<string, string> Valid => new()
    {
        { "foo", "__name__|=|foo" },
        { "  foo  ", "__name__|=|foo" },
        { "foo:bar:sum", "__name__|=|foo:bar:sum" },
        { ":foo", "__name__|=|:foo" },
        { "foo{}", "__name__|=|foo" },
        { "{}", "" },
        { "foo{a=\"b\"}", "a|=|b __name__|=|foo" },
        { "foo{NaN='bc'}", "NaN|=|bc __name__|=|foo" },
        { "foo{bar='}'}", "bar|=|} __name__|=|foo" },
        { "foo{a=\"b\", foo!=\"bar\", test=~\"test\", bar!~\"baz\"}", "a|=|b foo|!=|bar test|=~|test bar|!~|baz __name__|=|foo" },
        { "foo{a=\"b\",}", "a|=|b __name__|=|foo" },
        { "{a=\"b\",}", "a|=|b" },
        { "{__name__=~\"bar\", __name__!~\"baz\"}", "__name__|=~|bar __name__|!~|baz" },
        { "{__name__=\"bar\", __name__=\"baz\"}", "__name__|=|bar __name__|=|baz" },
        { "foo{__name__=\"bar\"}", "__name__|=|bar __name__|=|foo" },
        // UTF-8 names: a bare quoted string inside braces is the metric name, in place.
        { "{\"my.metric\", \"a.b\"=\"c\"}", "__name__|=|my.metric a.b|=|c" },
        { "{a=\"b\", \"foo\", c=~\"d\"}", "a|=|b __name__|=|foo c|=~|d" },
        { "{'my.metric'}", "__name__|=|my.metric" },
        { "{\"é\"=\"ü\"}", "é|=|ü" },
        // Quote kinds and Go escapes.
        { "{a='single'}", "a|=|single" },
        { "{a=`raw\\n`}", "a|=|raw\\n" },
        { "{a=`multi\nline`}", "a|=|multi\nline" },
        { "{a=\"\\a\\b\\f\\n\\r\\t\\v\\\\\\\"\"}", "a|=|\a\b\f\n\r\t\v\\\"" },
        { "{a='\\''}", "a|=|'" },
        { "{a=\"\\101\\x41\\u0041\\U00000041\"}", "a|=|AAAA" },
        { "{a=\"\\xc3\\xa9\"}", "a|=|é" },
        { "{a=\"\\u00e9\\U0001F600\"}", "a|=|é😀" },
        // Whitespace and comments anywhere between tokens.
        { "\n foo \t{ a \n = \r \"b\" , }\n", "a|=|b __name__|=|foo" },
        { "foo # a comment", "__name__|=|foo" },
        { "foo{ # comment inside braces\n a=\"b\"}", "a|=|b __name__|=|foo" },
        // Keywords usable as metric names (case-insensitively), but not inside-braces keywords.
        { "sum", "__name__|=|sum" },
        { "SUM", "__name__|=|SUM" },
        { "offset", "__name__|=|offset" },
        { "by{a=\"b\"}", "a|=|b __name__|=|by" },
        { "and", "__name__|=|and" },
        { "start", "__name__|=|start" },
        { "{on=\"x\", bool=\"y\"}", "on|=|x bool|=|y" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parses_valid_selectors(string input, string expected)
    {
        var selector = SelectorParser.Parse(input);
        Assert.Equal(expected, Describe(selector));
        Assert.Equal(input, selector.Text);
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { "-not-a-valid-metric-name", "1:1: parse error: unexpected <op:->" },
        { "foo-bar", "1:4: parse error: unexpected <op:->" },
        { "", "1:1: parse error: unexpected end of input" },
        { "   ", "1:4: parse error: unexpected end of input" },
        { "# just a comment", "1:17: parse error: unexpected end of input" },
        { "foo bar", "1:5: parse error: unexpected identifier \"bar\"" },
        { "foo a:b", "1:5: parse error: unexpected metric identifier \"a:b\"" },
        { "{", "1:2: parse error: unexpected end of input inside braces" },
        { "some{", "1:6: parse error: unexpected end of input inside braces" },
        { "foo{a=\"b\"", "1:10: parse error: unexpected end of input inside braces" },
        { "}", "1:1: parse error: unexpected character: '}'" },
        { "some}", "1:5: parse error: unexpected character: '}'" },
        { "some_metric{a=b}", "1:15: parse error: unexpected identifier \"b\" in label matching, expected string" },
        { "some_metric{a:b=\"b\"}", "1:14: parse error: unexpected character inside braces: ':'" },
        { "foo{a*\"b\"}", "1:6: parse error: unexpected character inside braces: '*'" },
        { "foo{a>=\"b\"}", "1:6: parse error: unexpected character inside braces: '>'" },
        { "foo{gibberish}", "1:14: parse error: unexpected \"}\" in label matching, expected label matching operator" },
        { "foo{1}", "1:5: parse error: unexpected character inside braces: '1'" },
        { "foo{__name__= =}", "1:15: parse error: unexpected \"=\" in label matching, expected string" },
        { "foo{,}", "1:5: parse error: unexpected \",\" in label matching, expected identifier or \"}\"" },
        { "foo{__name__ == \"bar\"}", "1:15: parse error: unexpected \"=\" in label matching, expected string" },
        { "foo{__name__=\"bar\" lol}", "1:20: parse error: unexpected identifier \"lol\" in label matching, expected \",\" or \"}\"" },
        { "foo{\"a\"=}", "1:9: parse error: unexpected \"}\" in label matching, expected string" },
        { "foo{a=\"b\",,}", "1:11: parse error: unexpected \",\" in label matching, expected identifier or \"}\"" },
        { "foo{{", "1:5: parse error: unexpected left brace '{'" },
        { "foo{a!x\"b\"}", "1:6: parse error: unexpected character after '!' inside braces: 'x'" },
        { "foo{a!", "1:6: parse error: unexpected character after '!' inside braces: '\uFFFD'" },
        { "foo{a=\"b\"}{c=\"d\"}", "1:11: parse error: unexpected \"{\"" },
        // Not a selector: functions, ranges, offsets, numbers, operators, strings, @.
        { "rate(foo[5m])", "1:5: parse error: unexpected \"(\"" },
        { "foo[5m]", "1:4: parse error: unexpected \"[\"" },
        { "foo offset 5m", "1:5: parse error: unexpected <offset>" },
        { "foo @ 1", "1:5: parse error: unexpected <op:@>" },
        { "5", "1:1: parse error: unexpected number \"5\"" },
        { "5m", "1:1: parse error: unexpected duration \"5m\"" },
        { "Inf", "1:1: parse error: unexpected number \"Inf\"" },
        { "foo + bar", "1:5: parse error: unexpected <op:+>" },
        { "foo == bar", "1:5: parse error: unexpected <op:==>" },
        { "foo != bar", "1:5: parse error: unexpected <op:!=>" },
        { "foo or bar", "1:5: parse error: unexpected <op:or>" },
        { "sum(foo)", "1:4: parse error: unexpected \"(\"" },
        { "\"foo\"", "1:1: parse error: unexpected string \"\\\"foo\\\"\"" },
        { "\"abcdefghijkl\"", "1:1: parse error: unexpected string \"\\\"abcdefghi\"..." },
        { "foo,", "1:4: parse error: unexpected \",\"" },
        { "foo=~", "1:4: parse error: unexpected character after '=': '~'" },
        { "foo!", "1:4: parse error: unexpected character after '!': '\uFFFD'" },
        { "foo$", "1:4: parse error: unexpected character: '$'" },
        { "foo]", "1:4: parse error: unexpected right bracket ']'" },
        { "é", "1:1: parse error: unexpected character: 'é'" },
        // Keywords that cannot name a metric.
        { "bool", "1:1: parse error: unexpected <bool>" },
        { "on{}", "1:1: parse error: unexpected <on>" },
        { "ignoring", "1:1: parse error: unexpected <ignoring>" },
        { "group_left", "1:1: parse error: unexpected <group_left>" },
        { "GROUP_RIGHT", "1:1: parse error: unexpected <GROUP_RIGHT>" },
        { "atan2", "1:1: parse error: unexpected <op:atan2>" },
        // Strings.
        { "{a=\"b}", "1:4: parse error: unterminated quoted string" },
        { "{a=\"b\nc\"}", "1:4: parse error: unterminated quoted string" },
        { "{a=`b}", "1:4: parse error: unterminated raw string" },
        { "{a=\"\\q\"}", "1:4: parse error: unknown escape sequence U+0071 'q'" },
        { "{a=\"\\'\"}", "1:4: parse error: unknown escape sequence U+0027 '''" },
        { "{a='\\\"'}", "1:4: parse error: unknown escape sequence U+0022 '\"'" },
        { "{a=\"\\xZZ\"}", "1:4: parse error: illegal character U+005A 'Z' in escape sequence" },
        { "{a=\"\\x4", "1:4: parse error: escape sequence not terminated" },
        { "{a=\"\\777\"}", "1:4: parse error: escape sequence is an invalid Unicode code point" },
        { "{a=\"\\uD800\"}", "1:4: parse error: escape sequence is an invalid Unicode code point" },
        { "{a=\"\uFFFD\"}", "1:4: parse error: invalid UTF-8 rune" },
        // Positions: lines and UTF-8 byte columns.
        { "foo{\n  a=b}", "2:5: parse error: unexpected identifier \"b\" in label matching, expected string" },
        { "{\"é\"=\"x\" b}", "1:11: parse error: unexpected identifier \"b\" in label matching, expected \",\" or \"}\"" },
        // Regex errors are reported at the matcher.
        { "foo{a=~\"(\"}", "1:5: parse error: error parsing regexp: missing closing ): `(`" },
        { "{\"a.b\"!~\"\\\\1\"}", "1:2: parse error: error parsing regexp: invalid escape sequence: `\\1`" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Rejects_invalid_selectors_with_prometheus_messages(string input, string expected)
    {
        var e = Assert.Throws<SelectorParseException>(() => SelectorParser.Parse(input));
        Assert.Equal(expected, e.Message);
        Assert.StartsWith($"{e.Line}:{e.Column}: parse error: ", e.Message);
    }

    [Fact]
    public void ParseMany_parses_in_order_and_first_error_wins()
    {
        var many = SelectorParser.ParseMany(["up", "{job=\"x\"}"]);
        Assert.Equal(["up", "{job=\"x\"}"], many.Select(s => s.Text));

        var e = Assert.Throws<SelectorParseException>(() => SelectorParser.ParseMany(["up", "a-b", "c d"]));
        Assert.Equal("1:2: parse error: unexpected <op:->", e.Message);
    }

    [Fact]
    public void Metric_name_is_exposed_for_pruning()
    {
        Assert.Equal("up", SelectorParser.Parse("up{job=\"x\"}").MetricName);
        Assert.Equal("my.metric", SelectorParser.Parse("{\"my.metric\"}").MetricName);
        Assert.Null(SelectorParser.Parse("{__name__=~\"up|down\"}").MetricName);
        Assert.Null(SelectorParser.Parse("{job=\"x\"}").MetricName);
    }

    [Fact]
    public void Null_input_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => SelectorParser.Parse(null!));
        Assert.Throws<ArgumentNullException>(() => SelectorParser.ParseMany(null!));
    }
}
