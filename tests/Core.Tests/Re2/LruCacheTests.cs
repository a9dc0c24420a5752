using FedFunctions.Core.Re2;

namespace FedFunctions.Core.Tests.Re2;

public sealed class LruCacheTests
{
    [Theory]
    [InlineData(1, 10)]
    [InlineData(8, 100)]
    [InlineData(512, 2000)]
    public void Size_stays_bounded_past_capacity(int capacity, int adds)
    {
        var cache = new LruCache<string>(capacity);
        for (var i = 0; i < adds; i++)
        {
            cache.GetOrAdd("k" + i, "v" + i);
            Assert.Equal(Math.Min(i + 1, capacity), cache.Count);
        }
        // Only the newest `capacity` keys remain; one eviction per add, never a wholesale clear.
        Assert.True(cache.TryGet("k" + (adds - 1), out var newest));
        Assert.Equal("v" + (adds - 1), newest);
        Assert.True(cache.TryGet("k" + (adds - capacity), out _));
        Assert.False(cache.TryGet("k" + (adds - capacity - 1), out _));
    }

    [Fact]
    public void Recently_used_keys_survive_eviction()
    {
        var cache = new LruCache<string>(4);
        foreach (var k in new[] { "a", "b", "c", "d" }) cache.GetOrAdd(k, k.ToUpperInvariant());
        Assert.True(cache.TryGet("a", out _)); // a is now the most recently used; b the least
        cache.GetOrAdd("e", "E");
        Assert.False(cache.TryGet("b", out _));
        Assert.Equal("A", cache.GetOrAdd("a", "other")); // the existing value wins and is touched
        cache.GetOrAdd("f", "F");
        Assert.False(cache.TryGet("c", out _));
        foreach (var k in new[] { "a", "d", "e", "f" }) Assert.True(cache.TryGet(k, out _), k);
        Assert.Equal(4, cache.Count);
    }

    [Fact]
    public void Concurrent_use_keeps_the_bound_and_the_values()
    {
        var cache = new LruCache<string>(64);
        Parallel.For(0, 4_000, i =>
        {
            var key = "k" + (i % 300);
            var value = cache.GetOrAdd(key, "v" + (i % 300));
            Assert.Equal("v" + (i % 300), value);
            if (cache.TryGet(key, out var again)) Assert.Equal(value, again);
        });
        Assert.Equal(64, cache.Count);
    }

    [Fact]
    public void Capacity_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LruCache<string>(0));
    }
}
