using FedFunctions.Core.Model;

namespace FedFunctions.Core.Tests.Snapshots;

/// <summary>SnapshotsAssert compares snapshots exactly: values and durations by bits, timestamps including null.</summary>
internal static class SnapshotsAssert
{
    public static void Identical(TargetSnapshot expected, TargetSnapshot actual)
    {
        Assert.Equal(expected.TargetLabels, actual.TargetLabels);
        Assert.Equal(expected.ScrapeTimestampMs, actual.ScrapeTimestampMs);
        Assert.Equal(expected.Up, actual.Up);
        Assert.Equal(expected.Error, actual.Error);
        Assert.Equal(BitConverter.DoubleToUInt64Bits(expected.DurationSeconds), BitConverter.DoubleToUInt64Bits(actual.DurationSeconds));
        Assert.Equal(expected.Metadata, actual.Metadata);
        Assert.Equal(expected.Samples.Count, actual.Samples.Count);
        for (var i = 0; i < expected.Samples.Count; i++)
        {
            var e = expected.Samples[i];
            var a = actual.Samples[i];
            Assert.Equal(e.Labels, a.Labels);
            Assert.True(BitConverter.DoubleToUInt64Bits(e.Value) == BitConverter.DoubleToUInt64Bits(a.Value),
                $"sample {i}: value bits {BitConverter.DoubleToUInt64Bits(e.Value):x16} became {BitConverter.DoubleToUInt64Bits(a.Value):x16}");
            Assert.Equal(e.TimestampMs, a.TimestampMs);
        }
    }
}
