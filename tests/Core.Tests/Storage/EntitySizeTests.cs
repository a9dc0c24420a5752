using FedFunctions.Core.Storage;

namespace FedFunctions.Core.Tests.Storage;

public sealed class EntitySizeTests
{
    [Fact]
    public void Keys_CountsUtf16AndTheFixedOverhead() => Assert.Equal(4 + (3 + 5) * 2, EntitySize.Keys("job", "row-1"));

    [Theory]
    [InlineData("Up", 8 + 4 + 1)]
    [InlineData("Schema", 8 + 12 + 4)]
    [InlineData("ScrapeTimestampMs", 8 + 34 + 8)]
    public void FixedSizeProperties(string name, long expected)
    {
        var actual = name switch
        {
            "Up" => EntitySize.Boolean(name),
            "Schema" => EntitySize.Int32(name),
            _ => EntitySize.Int64(name),
        };
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("Job", "", 8 + 6 + 4)]
    [InlineData("Job", "node", 8 + 6 + 4 + 8)]
    public void String_CountsTwoBytesPerChar(string name, string value, long expected) => Assert.Equal(expected, EntitySize.String(name, value));

    [Theory]
    [InlineData(0, 8 + 16 + 4)]
    [InlineData(65536, 8 + 16 + 4 + 65536)]
    public void Binary_CountsBytes(int length, long expected) => Assert.Equal(expected, EntitySize.Binary("Payload0", length));
}
