using FedFunctions.Core.Model;
using FedFunctions.Core.Relabeling;

namespace FedFunctions.Core.Tests.Relabeling;

public sealed class RelabelerTests
{
    private static readonly Labels Input = Labels.Of("__name__", "http_requests_total", "a", "foo", "b", "bar", "c", "baz", "job", "api");

    // name -> (rules, expected labels or null when dropped), in the style of Prometheus' TestRelabel.
    public static TheoryData<string, RelabelConfig[], Labels?> Cases => new()
    {
        { "replace default regex copies", [new() { SourceLabels = ["a"], TargetLabel = "d" }],
            Input.ToBuilder().Set("d", "foo").Build() },
        { "replace with capture groups", [new() { SourceLabels = ["a", "b"], Regex = new("f(.*);(.*)r"), TargetLabel = "d", Replacement = "$1-$2" }],
            Input.ToBuilder().Set("d", "oo-ba").Build() },
        { "replace no match is a no-op", [new() { SourceLabels = ["a"], Regex = new("x.*"), TargetLabel = "d", Replacement = "y" }],
            Input },
        { "regex is anchored", [new() { SourceLabels = ["a"], Regex = new("o+"), TargetLabel = "d", Replacement = "y" }],
            Input },
        { "replace with empty result deletes", [new() { SourceLabels = ["a"], Regex = new("(f).*"), TargetLabel = "b", Replacement = "${2}" }],
            Input.ToBuilder().Set("b", "").Build() },
        { "replace fast path sets fixed value", [new() { TargetLabel = "env", Replacement = "prod" }],
            Input.ToBuilder().Set("env", "prod").Build() },
        { "replace target label template", [new() { SourceLabels = ["a"], Regex = new("(.*)"), TargetLabel = "label_$1", Replacement = "x" }],
            Input.ToBuilder().Set("label_foo", "x").Build() },
        { "replace invalid target is a no-op", [new() { SourceLabels = ["b"], Regex = new("(.*)"), TargetLabel = "${1}", Replacement = "x" }],
            Input.ToBuilder().Set("bar", "x").Build() },
        { "go expansion: $1x names group 1x", [new() { SourceLabels = ["a"], TargetLabel = "d", Replacement = "$1x" }],
            Input },
        { "named groups", [new() { SourceLabels = ["a"], Regex = new("(?P<first>f)(o+)"), TargetLabel = "d", Replacement = "${first}:$2" }],
            Input.ToBuilder().Set("d", "f:oo").Build() },
        { "missing source is empty", [new() { SourceLabels = ["nope", "a"], Regex = new(";foo"), TargetLabel = "d", Replacement = "hit" }],
            Input.ToBuilder().Set("d", "hit").Build() },
        { "keep matching", [new() { SourceLabels = ["job"], Regex = new("api|web"), Action = RelabelAction.Keep }], Input },
        { "keep not matching drops", [new() { SourceLabels = ["job"], Regex = new("web"), Action = RelabelAction.Keep }], null },
        { "drop matching drops", [new() { SourceLabels = ["__name__"], Regex = new("http_.*"), Action = RelabelAction.Drop }], null },
        { "drop stops processing", [new() { SourceLabels = ["a"], Regex = new("foo"), Action = RelabelAction.Drop }, new() { TargetLabel = "x", Replacement = "y" }], null },
        { "drop not matching keeps", [new() { SourceLabels = ["a"], Regex = new("fo"), Action = RelabelAction.Drop }], Input },
        { "keepequal equal keeps", [new() { SourceLabels = ["a"], TargetLabel = "a", Action = RelabelAction.KeepEqual }], Input },
        { "keepequal different drops", [new() { SourceLabels = ["a"], TargetLabel = "b", Action = RelabelAction.KeepEqual }], null },
        { "dropequal equal drops", [new() { SourceLabels = ["a"], TargetLabel = "a", Action = RelabelAction.DropEqual }], null },
        { "dropequal different keeps", [new() { SourceLabels = ["a"], TargetLabel = "b", Action = RelabelAction.DropEqual }], Input },
        { "hashmod", [new() { SourceLabels = ["c"], TargetLabel = "shard", Modulus = 1000, Action = RelabelAction.HashMod }],
            Input.ToBuilder().Set("shard", "976").Build() },
        { "labelmap", [new() { Regex = new("(b|c)"), Replacement = "mapped_$1", Action = RelabelAction.LabelMap }],
            Input.ToBuilder().Set("mapped_b", "bar").Set("mapped_c", "baz").Build() },
        { "labeldrop", [new() { Regex = new("a|b"), Action = RelabelAction.LabelDrop }],
            Labels.Of("__name__", "http_requests_total", "c", "baz", "job", "api") },
        { "labelkeep", [new() { Regex = new("__name__|job"), Action = RelabelAction.LabelKeep }],
            Labels.Of("__name__", "http_requests_total", "job", "api") },
        { "lowercase", [new() { SourceLabels = ["a", "job"], TargetLabel = "low", Action = RelabelAction.Lowercase }, new() { SourceLabels = ["low"], TargetLabel = "up", Action = RelabelAction.Uppercase }],
            Input.ToBuilder().Set("low", "foo;api").Set("up", "FOO;API").Build() },
        { "custom separator", [new() { SourceLabels = ["a", "b"], Separator = "/", TargetLabel = "d" }],
            Input.ToBuilder().Set("d", "foo/bar").Build() },
        { "dollar dollar is literal", [new() { SourceLabels = ["a"], TargetLabel = "d", Replacement = "$$1" }],
            Input.ToBuilder().Set("d", "$1").Build() },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ProcessAppliesRulesInOrder(string name, RelabelConfig[] rules, Labels? expected)
    {
        foreach (var rule in rules) rule.Validate();
        var actual = Relabeler.Process(Input, rules);
        Assert.True(expected == actual, $"{name}: expected {expected?.ToString() ?? "dropped"}, got {actual?.ToString() ?? "dropped"}");
    }

    [Theory]
    // Values Prometheus' hashmod produces: big-endian uint64 of md5[8:16] modulo.
    [InlineData("foo", 1000UL)]
    [InlineData("", 7UL)]
    public void HashModIsStableAndBelowModulus(string value, ulong modulus)
    {
        var first = Relabeler.HashMod(value, modulus);
        Assert.True(first < modulus);
        Assert.Equal(first, Relabeler.HashMod(value, modulus));
    }

    [Fact]
    public void NoRulesReturnsSameInstance()
    {
        Assert.Same(Input, Relabeler.Process(Input, []));
    }
}
