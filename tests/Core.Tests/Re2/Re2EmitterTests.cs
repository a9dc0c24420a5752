using System.Text.RegularExpressions;
using FedFunctions.Core.Re2;

namespace FedFunctions.Core.Tests.Re2;

public sealed class Re2EmitterTests
{
    [Theory]
    [InlineData("abc", 0)]
    [InlineData("(a)(b)", 2)]
    [InlineData("((a)(b))", 3)]
    [InlineData("(?:x)(y)", 1)]
    [InlineData("(?i:x)(?P<n>y)(?<m>z)", 2)]
    [InlineData(@"\Q(\E(x)[(]", 1)]
    [InlineData("(?i)(a|b)+c*", 1)]
    public void CapturingModeEmitsExactlyTheRe2Groups(string pattern, int captures)
    {
        var root = Re2Parser.Parse(pattern, out var names);
        Assert.Equal(captures + 1, names.Count);
        var capturing = new Regex(Re2Emitter.EmitAnchored(root, captures: true), RegexOptions.NonBacktracking);
        Assert.Equal(captures + 1, capturing.GetGroupNumbers().Length);
        // The selector mode (the default) stays capture-free.
        var plain = new Regex(Re2Emitter.EmitAnchored(root), RegexOptions.NonBacktracking);
        Assert.Single(plain.GetGroupNumbers());
    }

    [Fact]
    public void CaptureNamesFollowOpeningParenthesisOrder()
    {
        Re2Parser.Parse("(?P<outer>(a)(?P<inner>b))(c)", out var names);
        Assert.Equal([null, "outer", null, "inner", null], names);
    }

    [Fact]
    public void NestedCapturesKeepRe2Numbering()
    {
        var root = Re2Parser.Parse("((a)(?:x)(b))", out _);
        var match = new Regex(Re2Emitter.EmitAnchored(root, captures: true), RegexOptions.NonBacktracking).Match("axb");
        Assert.True(match.Success);
        Assert.Equal(["axb", "axb", "a", "b"], match.Groups.Cast<Group>().Select(g => g.Value));
    }
}
