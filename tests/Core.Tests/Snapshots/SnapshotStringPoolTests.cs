using System.Text;
using FedFunctions.Core.Model;
using FedFunctions.Core.Snapshots;

namespace FedFunctions.Core.Tests.Snapshots;

/// <summary>Snapshots decoded apart share their short strings, within a bounded pool.</summary>
public sealed class SnapshotStringPoolTests
{
    private static TargetSnapshot Target(string instance, double value) => new()
    {
        TargetLabels = Labels.Of("job", "node", "instance", instance),
        ScrapeTimestampMs = 1_700_000_000_000,
        Up = true,
        Metadata = [new MetricMetadata("node_cpu_seconds_total", MetricType.Counter, "Seconds the CPUs spent in each mode.", "")],
        Samples = [new Sample(Labels.Of("__name__", "node_cpu_seconds_total", "cpu", "0", "instance", instance, "job", "node", "mode", "idle"), value, null)],
    };

    [Fact]
    public void TwoTargetsDecodedApartShareTheirNamesValuesAndHelp()
    {
        var a = SnapshotCodec.Decode(SnapshotCodec.Encode(Target("a:9100", 1)));
        var b = SnapshotCodec.Decode(SnapshotCodec.Encode(Target("b:9100", 2)));
        var (la, lb) = (a.Samples[0].Labels, b.Samples[0].Labels);

        for (var i = 0; i < la.Count; i++)
        {
            Assert.Same(la[i].Name, lb[i].Name);
            if (la[i].Name != "instance") Assert.Same(la[i].Value, lb[i].Value);
        }
        Assert.NotEqual(la.Get("instance"), lb.Get("instance"));
        Assert.Same(a.Metadata[0].Help, b.Metadata[0].Help);
        // And a new version of a target repeats its own strings.
        Assert.Same(la.Get("instance"), SnapshotCodec.Decode(SnapshotCodec.Encode(Target("a:9100", 3))).Samples[0].Labels.Get("instance"));
    }

    [Fact]
    public void LongStringsAreDecodedButNotPooled()
    {
        var utf8 = Encoding.UTF8.GetBytes(new string('é', SnapshotStringPool.MaxLength / 2 + 1));
        var first = SnapshotStringPool.Decode(utf8);
        Assert.Equal(new string('é', SnapshotStringPool.MaxLength / 2 + 1), first);
        Assert.NotSame(first, SnapshotStringPool.Decode(utf8));
        var longest = Encoding.UTF8.GetBytes(new string('é', SnapshotStringPool.MaxLength / 2));
        Assert.Same(SnapshotStringPool.Decode(longest), SnapshotStringPool.Decode(longest));
    }

    [Fact]
    public void InvalidUtf8IsRefused()
    {
        Assert.Throws<DecoderFallbackException>(() => SnapshotStringPool.Decode([0x61, 0xC3, 0x28]));
    }

    [Fact]
    public void ThePoolStaysBoundedAndKeepsWhatIsStillDecoded()
    {
        // A target whose label values never repeat: more distinct strings than a generation holds.
        var kept = SnapshotStringPool.Decode("mode"u8);
        for (var i = 0; i < 2 * SnapshotStringPool.GenerationCapacity + 10; i++)
        {
            SnapshotStringPool.Decode(Encoding.UTF8.GetBytes($"request-{i}"));
            // Decoded all along (as every snapshot's label names are), it is never let go.
            if (i % 1000 == 0) Assert.Same(kept, SnapshotStringPool.Decode("mode"u8));
        }
        Assert.InRange(SnapshotStringPool.Count, 1, 2 * SnapshotStringPool.GenerationCapacity);
    }
}
