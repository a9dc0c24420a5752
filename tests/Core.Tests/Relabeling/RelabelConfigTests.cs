using FedFunctions.Core.Relabeling;

namespace FedFunctions.Core.Tests.Relabeling;

public sealed class RelabelConfigTests
{
    public static TheoryData<RelabelConfig, string> Invalid => new()
    {
        { new() { Action = RelabelAction.HashMod, TargetLabel = "x" }, "relabel configuration for hashmod requires non-zero modulus" },
        { new() { Action = RelabelAction.Replace }, "relabel configuration for replace action requires 'target_label' value" },
        { new() { Action = RelabelAction.Lowercase }, "relabel configuration for lowercase action requires 'target_label' value" },
        { new() { Action = RelabelAction.Replace, TargetLabel = "1bad" }, "\"1bad\" is invalid 'target_label' for replace action" },
        { new() { Action = RelabelAction.Uppercase, TargetLabel = "$1" }, "\"$1\" is invalid 'target_label' for uppercase action" },
        { new() { Action = RelabelAction.Lowercase, TargetLabel = "x", Replacement = "y" }, "'replacement' can not be set for lowercase action" },
        { new() { Action = RelabelAction.LabelMap, Replacement = "bad-name" }, "\"bad-name\" is invalid 'replacement' for labelmap action" },
        { new() { Action = RelabelAction.KeepEqual, TargetLabel = "x", Regex = new("a") }, "keepequal action requires only 'source_labels' and 'target_label', and no other fields" },
        { new() { Action = RelabelAction.LabelDrop, SourceLabels = ["a"] }, "labeldrop action requires only 'regex', and no other fields" },
        { new() { Action = RelabelAction.LabelKeep, TargetLabel = "a" }, "labelkeep action requires only 'regex', and no other fields" },
        { new() { SourceLabels = ["bad-name"], TargetLabel = "x" }, "\"bad-name\" is not a valid label name in 'source_labels'" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void ValidateRejectsInconsistentRules(RelabelConfig rule, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(rule.Validate);
        Assert.Equal(expected, ex.Message);
    }

    [Theory]
    [InlineData("replace", RelabelAction.Replace)]
    [InlineData("Keep", RelabelAction.Keep)]
    [InlineData("LABELMAP", RelabelAction.LabelMap)]
    [InlineData("keepequal", RelabelAction.KeepEqual)]
    [InlineData("hashmod", RelabelAction.HashMod)]
    public void ActionNamesAreCaseInsensitive(string text, RelabelAction expected)
    {
        Assert.True(RelabelConfig.TryParseAction(text, out var action));
        Assert.Equal(expected, action);
    }

    [Fact]
    public void UnknownActionIsRejected()
    {
        Assert.False(RelabelConfig.TryParseAction("rename", out _));
    }
}
