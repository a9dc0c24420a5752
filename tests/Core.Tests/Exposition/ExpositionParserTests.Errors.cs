using System.Text;
using FedFunctions.Core.Exposition;

namespace FedFunctions.Core.Tests.Exposition;

public partial class ExpositionParserTests
{
    public static TheoryData<string, int, string> TextErrors => new()
    {
        // body, line, expected message substring (after "line N: ")
        { "a", 1, "expected value after metric, got \"\\n\" while parsing: \"a\"" },
        { "a\n", 1, "expected value after metric, got \"\\n\"" },
        { "a{b='c'} 1\n", 1, "expected label value, got \"'\" while parsing: \"a{b='\"" },
        { "a{b=\n", 1, "expected label value, got \"\\n\" while parsing: \"a{b=\\n\"" },
        { "something_weird{problem=\"", 1, "expected label value, got \"\\\"\"" },
        { "a{b=\"c} 1\n", 1, "expected label value" },
        { "a{b=\"c\\\n\"} 1\n", 1, "expected label value" },
        { "empty_label_name{=\"\"} 0", 1, "expected label name, got \"=\" while parsing: \"empty_label_name{=\"" },
        { "a{\"\"=\"x\"} 1\n", 1, "empty label name" },
        { "a{b:c=\"x\"} 1\n", 1, "expected equal, got \":\"" },
        { "a{b} 1\n", 1, "expected equal, got \"}\"" },
        { "a{b=c} 1\n", 1, "expected label value, got \"c\"" },
        { "a{b=\"c\" 1\n", 1, "expected label name, got \"1\"" },
        { "a true\n", 1, "strconv.ParseFloat: parsing \"true\": invalid syntax while parsing: \"a true\"" },
        { "foo 1_2\n", 1, "unsupported character in float while parsing: \"foo 1_2\"" },
        { "foo 0x1p-3\n", 1, "unsupported character in float while parsing: \"foo 0x1p-3\"" },
        { "foo 0x1P-3\n", 1, "unsupported character in float" },
        { "foo 0x10\n", 1, "strconv.ParseFloat: parsing \"0x10\": invalid syntax" },
        { "foo 1e400\n", 1, "strconv.ParseFloat: parsing \"1e400\": value out of range" },
        { "foo -1e400\n", 1, "value out of range" },
        { "foo +NaN\n", 1, "parsing \"+NaN\": invalid syntax" },
        { "foo infin\n", 1, "invalid syntax" },
        { "foo 1e\n", 1, "invalid syntax" },
        { "foo .\n", 1, "invalid syntax" },
        { "foo 1.2.3\n", 1, "invalid syntax" },
        { "foo 1,5\n", 1, "invalid syntax" },
        { "foo 1\r\n", 1, "parsing \"1\\r\": invalid syntax" },
        { "foo 0 1_2\n", 1, "expected next entry after timestamp, got \"_2\" while parsing: \"foo 0 1_2\"" },
        { "foo 1 2 3\n", 1, "expected next entry after timestamp, got \"3\"" },
        { "foo 1 -5\n", 1, "expected timestamp or new record, got \"-\"" },
        { "foo 1 1.5\n", 1, "expected next entry after timestamp, got \".\"" },
        { "foo 1 99999999999999999999\n", 1, "strconv.ParseInt: parsing \"99999999999999999999\": value out of range" },
        { "{a=\"ok\"} 1", 1, "metric name not set while parsing: \"{a=\\\"ok\\\"} " },
        { "{__name__=\"a\"} 1\n", 1, "metric name not set" },
        { "{\"a\",\"b\"} 1\n", 1, "metric name already set" },
        { "a{\"b\"} 1\n", 1, "metric name already set" },
        { "{\"\"} 1\n", 1, "empty metric name" },
        { "a{b=\"c\"}{d=\"e\"} 1\n", 1, "expected value after metric, got \"{\"" },
        { "a{b=\"1\",b=\"2\"} 1\n", 1, "duplicate label name \"b\" while parsing: \"a{b=\\\"1\\\",b=\\\"2\\\"} 1\"" },
        { "a{b=\"\",b=\"2\"} 1\n", 1, "duplicate label name \"b\"" },
        { "a{__name__=\"b\"} 1\n", 1, "duplicate label name \"__name__\"" },
        { "1abc 1\n", 1, "expected a valid start token, got \"1abc\"" },
        { "-a 1\n", 1, "expected a valid start token, got \"-\"" },
        { "# TYPE #\n", 1, "expected metric name after TYPE, got \"#\" while parsing: \"# TYPE #\"" },
        { "# HELP #\n", 1, "expected metric name after HELP, got \"#\"" },
        { "# TYPE a x\n", 1, "invalid metric type \"x\"" },
        { "# TYPE a gaugehistogram\n", 1, "invalid metric type \"gaugehistogram\"" },
        { "# TYPE a Counter\n", 1, "invalid metric type \"Counter\"" },
        { "# TYPE a counter \n", 1, "invalid metric type \"counter \"" },
        { "# TYPE a\n", 1, "invalid metric type \"\"" },
        // The name of a HELP/TYPE line must be followed by a blank or the line end, not read up to a stray byte.
        { "# HELP foo.bar Some text\n", 1, "expected text in HELP, got \".\" while parsing: \"# HELP foo.\"" },
        { "# TYPE foo.bar counter\n", 1, "expected text in TYPE, got \".\" while parsing: \"# TYPE foo.\"" },
        { "# HELP foo-bar x\n", 1, "expected text in HELP, got \"-\"" },
        { "# HELP \"a\"x text\n", 1, "expected text in HELP, got \"x\"" },
        { "ok 1\n# HELP a\rb\n", 2, "expected text in HELP, got \"\\r\"" },
        { "# TYPE a unknown\n", 1, "invalid metric type \"unknown\"" },
        { "# TYPE a info\n", 1, "invalid metric type \"info\"" },
        { "# TYPE a stateset\n", 1, "invalid metric type \"stateset\"" },
        { "ok 1\n\n# ok\nbad\nok2 1\n", 4, "expected value after metric" },
        { "a{b=\"x\ny\"} 1\nc{d=\"e\nf\"} 2\nbad{\n", 5, "expected label name" },
        { "ok 1\n  bad 1 2 x\n", 2, "expected next entry after timestamp" },
    };

    [Theory]
    [MemberData(nameof(TextErrors))]
    public void Text_MalformedInput_FailsWithLineAndReason(string body, int line, string expected)
    {
        var ex = Assert.Throws<ExpositionParseException>(() => ParseText(body));
        Assert.Equal(line, ex.LineNumber);
        Assert.StartsWith($"line {line}: ", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    public static TheoryData<byte[], string> InvalidUtf8 => new()
    {
        { Bytes("a{b=\"", 0xff, "\"} 1\n"), "line 1: invalid UTF-8 label value: \"\\\"\\xff\\\"\"" },
        { Bytes("a{b=\"ok\",c=\"x", 0xc3, "\"} 1\n"), "invalid UTF-8 label value" },
        { Bytes("a{", 0xff, "=\"foo\"} 1\n"), "expected label name, got \"\\xff\" while parsing: \"a{\\xff\"" },
        { Bytes("# HELP a bad ", 0xff, "\n"), "help text \"bad \\xff\" is not a valid utf8 string" },
        { Bytes("{\"a", 0xff, "\"} 1\n"), "invalid UTF-8 name" },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void Text_InvalidUtf8_IsRejected(byte[] body, string expected)
    {
        var ex = Assert.Throws<ExpositionParseException>(() => ExpositionParser.Parse(body, ExpositionFormat.PrometheusText));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Text_InvalidUtf8InComment_IsIgnored()
    {
        var doc = ExpositionParser.Parse(Bytes("# just ", 0xff, "\na 1\n"), ExpositionFormat.PrometheusText);
        Assert.Single(doc.Samples);
    }

    [Fact]
    public void Text_OneBadLine_FailsTheWholeBody()
    {
        var body = string.Concat(Enumerable.Range(0, 100).Select(i => $"m{{i=\"{i}\"}} {i}\n")) + "m{i=\"x\"} oops\n";
        var ex = Assert.Throws<ExpositionParseException>(() => ParseText(body));
        Assert.Equal(101, ex.LineNumber);
    }

    private static byte[] Bytes(string before, byte b, string after) =>
        [.. Encoding.UTF8.GetBytes(before), b, .. Encoding.UTF8.GetBytes(after)];
}
