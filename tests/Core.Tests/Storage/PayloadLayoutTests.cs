using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Tests.Storage;

public sealed class PayloadLayoutTests
{
    private const long SmallFixed = 500;
    private const string Blob = "job/target~0123456789abcdef/1700000000000";

    public static TheoryData<int, bool, int> Sizes => new()
    {
        { 0, true, 0 },
        { 1, true, 1 },
        { PayloadLayout.ChunkBytes, true, 1 },
        { PayloadLayout.ChunkBytes + 1, true, 2 },
        { 10 * PayloadLayout.ChunkBytes, true, 10 },
        { 15 * PayloadLayout.ChunkBytes, true, 15 },
        { 16 * PayloadLayout.ChunkBytes, false, 0 },
        { 1024 * 1024, false, 0 },
        { 50 * 1024 * 1024, false, 0 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Plan_InlinesWhatFitsAndSpillsTheRest(int payloadLength, bool inline, int chunks)
    {
        var layout = PayloadLayout.Plan(SmallFixed, SnapshotEntity.FixedProperties, payloadLength, Blob);

        Assert.Equal(inline, layout.Inline);
        Assert.Equal(chunks, layout.Chunks);
        Assert.True(layout.EntityBytes <= PayloadLayout.MaxInlineEntityBytes, $"entity of {layout.EntityBytes} bytes");
    }

    [Fact]
    public void Plan_InlinesUpToTheLastByteThatFitsUnderTheMargin()
    {
        // Find the largest inline payload by bisection and check the boundary is exactly at the margin.
        int lo = 0, hi = 2 * 1024 * 1024;
        while (lo < hi)
        {
            var mid = lo + (hi - lo + 1) / 2;
            if (PayloadLayout.Plan(SmallFixed, SnapshotEntity.FixedProperties, mid, Blob).Inline) lo = mid; else hi = mid - 1;
        }
        var largest = PayloadLayout.Plan(SmallFixed, SnapshotEntity.FixedProperties, lo, Blob);
        var next = PayloadLayout.Plan(SmallFixed, SnapshotEntity.FixedProperties, lo + 1, Blob);

        Assert.True(largest.Inline);
        Assert.False(next.Inline);
        Assert.True(largest.EntityBytes <= PayloadLayout.MaxInlineEntityBytes);
        Assert.True(largest.EntityBytes > PayloadLayout.MaxInlineEntityBytes - 64, $"boundary at {largest.EntityBytes}");
        Assert.True(lo > 900 * 1024, $"largest inline payload is only {lo} bytes");
    }

    [Fact]
    public void Plan_SpillsWhenLargeFixedPartsLeaveNoRoom()
    {
        // 32K-char strings are 64 KiB each: the inline budget shrinks accordingly.
        var fixedBytes = SmallFixed + 3 * (EntitySize.MaxStringChars * 2L);
        var fitsWithSmallFixed = 14 * PayloadLayout.ChunkBytes + 1000;

        Assert.True(PayloadLayout.Plan(SmallFixed, SnapshotEntity.FixedProperties, fitsWithSmallFixed, Blob).Inline);
        Assert.False(PayloadLayout.Plan(fixedBytes, SnapshotEntity.FixedProperties, fitsWithSmallFixed, Blob).Inline);
    }

    [Fact]
    public void Plan_RespectsThePropertyLimit()
    {
        // With many fixed properties, even a small payload in two chunks must spill.
        var layout = PayloadLayout.Plan(SmallFixed, EntitySize.MaxCustomProperties - 2, PayloadLayout.ChunkBytes + 1, Blob);
        Assert.False(layout.Inline);
        Assert.True(PayloadLayout.Plan(SmallFixed, EntitySize.MaxCustomProperties - 2, PayloadLayout.ChunkBytes, Blob).Inline);
    }

    [Fact]
    public void ChunkBytes_StaysBelowTheBinaryPropertyLimit() =>
        Assert.InRange(PayloadLayout.ChunkBytes, 60 * 1024, EntitySize.MaxBinaryBytes - 1);

    [Theory]
    [InlineData(0, "Payload0")]
    [InlineData(15, "Payload15")]
    [InlineData(16, "Payload16")]
    [InlineData(250, "Payload250")]
    public void ChunkProperty_NamesChunks(int index, string expected) => Assert.Equal(expected, PayloadLayout.ChunkProperty(index));
}
