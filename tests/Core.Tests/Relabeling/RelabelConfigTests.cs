using FedFunctions.Core.Model;
using FedFunctions.Core.Relabeling;

namespace FedFunctions.Core.Tests.Relabeling;

public sealed class RelabelConfigTests
{
    public static TheoryData<RelabelConfig, string> Invalid => new()
    {
        { new() { Action = RelabelAction.HashMod, TargetLabel = "x" }, "relabel configuration for hashmod requires non-zero modulus" },
        { new() { Action = RelabelAction.Replace }, "relabel configuration for replace action requires 'target_label' value" },
        { new() { Action = RelabelAction.Lowercase }, "relabel configuration for lowercase action requires 'target_label' value" },
        { new() { Action = RelabelAction.Replace, TargetLabel = "1bad", NameValidation = Legacy }, "\"1bad\" is invalid 'target_label' for replace action" },
        { new() { Action = RelabelAction.Replace, TargetLabel = "a.$1", NameValidation = Legacy }, "\"a.$1\" is invalid 'target_label' for replace action" },
        { new() { Action = RelabelAction.Uppercase, TargetLabel = "$1", NameValidation = Legacy }, "\"$1\" is invalid 'target_label' for uppercase action" },
        { new() { Action = RelabelAction.HashMod, TargetLabel = "a.b", Modulus = 2, NameValidation = Legacy }, "\"a.b\" is invalid 'target_label' for hashmod action" },
        { new() { Action = RelabelAction.Lowercase, TargetLabel = "x", Replacement = "y" }, "'replacement' can not be set for lowercase action" },
        { new() { Action = RelabelAction.LabelMap, Replacement = "bad-name", NameValidation = Legacy }, "\"bad-name\" is invalid 'replacement' for labelmap action" },
        { new() { Action = RelabelAction.LabelMap, Replacement = "" }, "\"\" is invalid 'replacement' for labelmap action" },
        { new() { Action = RelabelAction.KeepEqual, TargetLabel = "x", Regex = new("a") }, "keepequal action requires only 'source_labels' and 'target_label', and no other fields" },
        { new() { Action = RelabelAction.LabelDrop, SourceLabels = ["a"] }, "labeldrop action requires only 'regex', and no other fields" },
        { new() { Action = RelabelAction.LabelKeep, TargetLabel = "a" }, "labelkeep action requires only 'regex', and no other fields" },
        { new() { SourceLabels = [""], TargetLabel = "x" }, "\"\" is not a valid label name in 'source_labels'" },
    };

    private const NameValidationScheme Legacy = NameValidationScheme.Legacy;

    // Prometheus 3 (utf8 validation, the default): any non-empty name is a valid target or labelmap replacement.
    public static TheoryData<RelabelConfig> ValidUnderUtf8 => new()
    {
        new() { Action = RelabelAction.Replace, TargetLabel = "1bad" },
        new() { Action = RelabelAction.Replace, TargetLabel = "http.route" },
        new() { Action = RelabelAction.Replace, TargetLabel = "a.$1" },
        new() { Action = RelabelAction.Uppercase, TargetLabel = "$1" },
        new() { Action = RelabelAction.HashMod, TargetLabel = "a.b", Modulus = 2 },
        new() { Action = RelabelAction.LabelMap, Replacement = "bad-name" },
        new() { Action = RelabelAction.LabelMap, Replacement = "k8s.$1" },
        new() { SourceLabels = ["bad-name", "é"], TargetLabel = "x" },
        new() { SourceLabels = ["bad-name"], TargetLabel = "x", NameValidation = Legacy },
    };

    [Theory]
    [MemberData(nameof(ValidUnderUtf8))]
    public void ValidateTakesUtf8NamesUnderTheUtf8Scheme(RelabelConfig rule)
    {
        rule.Validate();
    }

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
