using FedFunctions.Core.Model;
using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Tests.Storage;

/// <summary>The stored key of a target: its versioned label encoding and the TargetId built from it.</summary>
public sealed class TargetKeyEncodingTests
{
    [Fact]
    public void Encode_IsTheDocumentedVersion1Layout()
    {
        var bytes = TargetKeyEncoding.Encode(Labels.Of("a", "é", "job", "n"));

        byte[] expected =
        [
            0x01,                                   // version
            0x01, (byte)'a', 0x00,                  // name "a": 1 code unit, UTF-16LE
            0x01, 0xE9, 0x00,                       // value "é": U+00E9
            0x03, (byte)'j', 0, (byte)'o', 0, (byte)'b', 0,
            0x01, (byte)'n', 0,
        ];
        Assert.Equal(expected, bytes);
        Assert.Equal([TargetKeyEncoding.Version], TargetKeyEncoding.Encode(Labels.Empty));
    }

    // Golden values: a changed encoding changes every stored key, so it must come with a new version.
    [Theory]
    [InlineData("host:9100", "node", "host:9100~v1.")]
    [InlineData("", "node", "~v1.")]
    [InlineData("http://h/x?y#z", "web", "http:%2F%2Fh%2Fx%3Fy%23z~v1.")]
    public void KeyFor_IsEscapedInstanceAndVersionedHash(string instance, string job, string prefix)
    {
        var labels = instance.Length == 0 ? Labels.Of("job", job) : Labels.Of("instance", instance, "job", job);

        var key = SnapshotStore.KeyFor(job, labels);

        Assert.Equal(job, key.Job);
        Assert.StartsWith(prefix, key.TargetId, StringComparison.Ordinal);
        Assert.Matches("~v1\\.[0-9a-f]{16}$", key.TargetId);
        Assert.Equal(key, SnapshotStore.KeyFor(job, Labels.From(labels.Reverse())));
    }

    [Fact]
    public void KeyFor_HasStableGoldenValues()
    {
        Assert.Equal(Golden["node"], SnapshotStore.KeyFor("node", Labels.Of("instance", "host:9100", "job", "node")).TargetId);
        Assert.Equal(Golden["empty"], SnapshotStore.KeyFor("node", Labels.Empty).TargetId);
        Assert.Equal(Golden["utf8"], SnapshotStore.KeyFor("app", Labels.Of("instance", "ホスト:80", "job", "app", "zone", "\"a\", b=\n")).TargetId);
    }

    private static readonly Dictionary<string, string> Golden = new()
    {
        ["node"] = "host:9100~v1.f8d67237e05e89b4",
        ["empty"] = "~v1.8a4127811b21e730",
        ["utf8"] = "ホスト:80~v1.63f892cab7fb4d3f",
    };

    // Pairs the label text form ({a="1", b="2"}) cannot tell apart, or that differ only in where a boundary falls.
    public static TheoryData<Labels, Labels> Tricky => new()
    {
        { Labels.Of("a", "x\", b=\"y"), Labels.Of("a", "x", "b", "y") },
        { Labels.Of("a=\"x\", b", "y"), Labels.Of("a", "x", "b", "y") },
        { Labels.Of("a", "1,b=2"), Labels.Of("a", "1", "b", "2") },
        { Labels.Of("a", "x\ny"), Labels.Of("a", "x\\ny") },
        { Labels.Of("a", "b"), Labels.Of("a=\"b\"", "b") },
        { Labels.Of("a", " "), Labels.Empty },
        { Labels.Of("ab", "c"), Labels.Of("a", "bc") },
        { Labels.Of("a", "é"), Labels.Of("a", "e\u0301") },
    };

    [Fact]
    public void Encode_KeepsLoneSurrogatesApart()
    {
        // Not theory data: xunit's serialization of test cases replaces lone surrogates with U+FFFD.
        var lone = Labels.Of("a", "\uD83D");
        Assert.NotEqual(TargetKeyEncoding.Encode(lone), TargetKeyEncoding.Encode(Labels.Of("a", "\uFFFD")));
        Assert.NotEqual(TargetKeyEncoding.Encode(lone), TargetKeyEncoding.Encode(Labels.Of("a", "😀")));
    }

    [Fact]
    public void KeyFor_TreatsAnEmptyValueAsAnAbsentLabel()
    {
        // Prometheus' rule: a label with an empty value is no label, so the target is the same.
        Assert.Equal(
            SnapshotStore.KeyFor("j", Labels.Of("instance", "h:1", "zone", "")),
            SnapshotStore.KeyFor("j", Labels.Of("instance", "h:1")));
    }

    [Theory]
    [MemberData(nameof(Tricky))]
    public void Encode_IsInjectiveOnTrickyLabels(Labels left, Labels right)
    {
        Assert.NotEqual(left, right);
        Assert.NotEqual(TargetKeyEncoding.Encode(left), TargetKeyEncoding.Encode(right));
        Assert.NotEqual(SnapshotStore.KeyFor("j", left), SnapshotStore.KeyFor("j", right));
    }

    [Fact]
    public void KeyFor_DistinguishesLabelSetsWithTheSameInstance()
    {
        var a = SnapshotStore.KeyFor("node", Labels.Of("instance", "h:1", "job", "node", "zone", "a"));
        var b = SnapshotStore.KeyFor("node", Labels.Of("instance", "h:1", "job", "node", "zone", "b"));
        Assert.NotEqual(a.TargetId, b.TargetId);
    }

    [Fact]
    public void KeyFor_BoundsLongInstances()
    {
        var key = SnapshotStore.KeyFor("node", Labels.Of("instance", new string('/', 1000)));
        Assert.True(key.TargetId.Length <= SnapshotStore.MaxInstanceChars + TargetKeyEncoding.SuffixChars);
        Assert.Matches("^(%2F)+~v1\\.[0-9a-f]{16}$", key.TargetId);
    }
}
