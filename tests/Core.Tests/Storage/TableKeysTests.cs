using CsCheck;
using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Tests.Storage;

public sealed class TableKeysTests
{
    public static TheoryData<string, string> Escapes => new()
    {
        { "", "" },
        { "node", "node" },
        { "host:9100", "host:9100" },
        { "a/b", "a%2Fb" },
        { @"a\b", "a%5Cb" },
        { "a#b?c", "a%23b%3Fc" },
        { "100%", "100%25" },
        { "%2F", "%252F" },
        { "tab\tnl\ncr\r", "tab%09nl%0Acr%0D" },
        { "\u0000\u001F", "%00%1F" },
        { "\u007F\u0080\u009F", "%7F%80%9F" },
        { "\u00A0é€", "\u00A0é€" },
        { "emoji 😀", "emoji 😀" },
        { "'quote' and space", "'quote' and space" },
    };

    [Theory]
    [MemberData(nameof(Escapes))]
    public void Escape_ReplacesForbiddenCharactersReversibly(string value, string expected)
    {
        var escaped = TableKeys.Escape(value);

        Assert.Equal(expected, escaped);
        Assert.Equal(value, TableKeys.Unescape(escaped));
    }

    [Fact]
    public void Escape_EscapesLoneSurrogates()
    {
        // Not theory data: xunit's serialization of test cases replaces lone surrogates with U+FFFD.
        (string Value, string Expected)[] cases =
        [
            ("lone \uD800 high", "lone %uD800 high"),
            ("lone \uDC00 low", "lone %uDC00 low"),
            ("end \uD83D", "end %uD83D"),
            ("\uDE00\uD83D", "%uDE00%uD83D"),
        ];
        foreach (var (value, expected) in cases)
        {
            var escaped = TableKeys.Escape(value);
            Assert.Equal(expected, escaped);
            Assert.Equal(value, TableKeys.Unescape(escaped));
        }
    }

    [Fact]
    public void Escape_LeavesNoForbiddenCharacterOrLoneSurrogate()
    {
        Gen.Char.Array[0, 40].Select(chars => new string(chars)).Sample(value =>
        {
            var escaped = TableKeys.Escape(value);
            Assert.DoesNotContain(escaped, TableKeys.IsForbidden);
            for (var i = 0; i < escaped.Length; i++)
            {
                if (char.IsHighSurrogate(escaped[i]) && i + 1 < escaped.Length && char.IsLowSurrogate(escaped[i + 1])) { i++; continue; }
                Assert.False(char.IsSurrogate(escaped[i]), $"lone surrogate at {i} in escaped form of {value}");
            }
            Assert.Equal(value, TableKeys.Unescape(escaped));
        });
    }

    [Theory]
    [InlineData('/', true)]
    [InlineData('\\', true)]
    [InlineData('#', true)]
    [InlineData('?', true)]
    [InlineData('\u0000', true)]
    [InlineData('\u001F', true)]
    [InlineData('\u007F', true)]
    [InlineData('\u009F', true)]
    [InlineData('\u00A0', false)]
    [InlineData('%', false)]
    [InlineData(' ', false)]
    [InlineData('~', false)]
    public void IsForbidden_MatchesTableRules(char c, bool forbidden) => Assert.Equal(forbidden, TableKeys.IsForbidden(c));

    [Theory]
    [InlineData("%")]
    [InlineData("%2")]
    [InlineData("%G0")]
    [InlineData("%u12")]
    [InlineData("%uXYZW")]
    public void Unescape_RejectsMalformedEscapes(string key)
    {
        var ex = Assert.Throws<FormatException>(() => TableKeys.Unescape(key));
        Assert.Contains("malformed escape", ex.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(511)]
    [InlineData(512)]
    public void ToKey_KeepsKeysUpToTheLimit(int length)
    {
        var value = new string('a', length);
        Assert.Equal(value, TableKeys.ToKey(value));
    }

    [Theory]
    [InlineData(513, "a")]
    [InlineData(5000, "a")]
    [InlineData(400, "/")]
    [InlineData(1000, "😀")]
    [InlineData(1000, "x😀")]
    public void ToKey_HashTruncatesLongKeys(int repeat, string fill)
    {
        var value = string.Concat(Enumerable.Repeat(fill, repeat));
        var key = TableKeys.ToKey(value);
        var other = TableKeys.ToKey(value + "x");

        Assert.True(key.Length <= TableKeys.MaxKeyChars, $"key has {key.Length} chars");
        Assert.Matches("~[0-9a-f]{16}$", key);
        Assert.NotEqual(key, other);
        Assert.DoesNotContain(key, TableKeys.IsForbidden);
        Assert.False(char.IsHighSurrogate(key[^18]), "cut inside a surrogate pair");
    }

    [Theory]
    [InlineData("ab%2Fcd", 3, 2)]
    [InlineData("ab%2Fcd", 4, 2)]
    [InlineData("ab%2Fcd", 5, 5)]
    [InlineData("ab%uD800cd", 7, 2)]
    [InlineData("ab%uD800cd", 8, 8)]
    [InlineData("a😀b", 2, 1)]
    [InlineData("a😀b", 3, 3)]
    [InlineData("abc", 10, 3)]
    public void SafeCut_NeverSplitsAnEscapeOrSurrogatePair(string escaped, int max, int expected) =>
        Assert.Equal(expected, TableKeys.SafeCut(escaped, max));
}
