using System.Text;
using FedFunctions.Core.Exposition;

namespace FedFunctions.Core.Tests.Exposition;

public class Utf8StringCacheTests
{
    [Theory]
    [InlineData("")]
    [InlineData("node_cpu_seconds_total")]
    [InlineData("ünïcödé €")]
    public void Get_DecodesUtf8(string text)
    {
        Assert.Equal(text, new Utf8StringCache().Get(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void Get_ReturnsTheSameInstanceForRepeatedShortStrings()
    {
        var cache = new Utf8StringCache();
        var first = cache.Get("mode"u8);
        Assert.Same(first, cache.Get("mode"u8.ToArray()));
    }

    [Fact]
    public void Get_DoesNotCacheLongStrings()
    {
        var cache = new Utf8StringCache();
        var bytes = Encoding.UTF8.GetBytes(new string('x', Utf8StringCache.MaxCachedLength + 1));
        var first = cache.Get(bytes);
        var second = cache.Get(bytes);
        Assert.Equal(first, second);
        Assert.NotSame(first, second);
    }

    [Fact]
    public void Get_StaysCorrectWhenSlotsCollide()
    {
        var cache = new Utf8StringCache();
        var names = Enumerable.Range(0, 20_000).Select(i => $"name_{i}").ToArray();
        foreach (var name in names) Assert.Equal(name, cache.Get(Encoding.UTF8.GetBytes(name)));
        foreach (var name in names) Assert.Equal(name, cache.Get(Encoding.UTF8.GetBytes(name)));
    }
}
