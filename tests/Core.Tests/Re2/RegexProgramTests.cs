using FedFunctions.Core.Re2;

namespace FedFunctions.Core.Tests.Re2;

public sealed class RegexProgramTests
{
    [Theory]
    [InlineData(".*", true)]
    [InlineData(".+", true)]
    [InlineData("foo", true)]
    [InlineData("^foo$", true)]
    [InlineData("foo|bar|", true)]
    [InlineData("(?:foo|bar)", true)]
    [InlineData("foo.*", true)]
    [InlineData(".*foo.*", true)]
    [InlineData("a\\.b", true)]
    [InlineData("fo+", false)]
    [InlineData("(?i)foo", false)]
    [InlineData("[ab]", false)]
    public void Common_patterns_take_a_fast_path(string pattern, bool fast)
    {
        Assert.Equal(fast, RegexProgram.TryFastPath(RegexProgram.Parse(pattern, out _)) is not null);
    }

    [Fact]
    public void A_pattern_in_use_stays_cached_while_many_others_pass_through()
    {
        // One client cycling through more distinct patterns than the cache holds must not evict a pattern that
        // others keep using (the old cache emptied itself whenever it filled up).
        var pattern = "hot_[0-9]+_" + Guid.NewGuid().ToString("N");
        var hot = RegexProgram.Get(pattern);
        for (var i = 0; i < 3 * RegexProgram.CacheCapacity; i++)
        {
            RegexProgram.Get($"cold_{i}_[a-z]+_{Guid.NewGuid():N}");
            if (i % 64 == 0) Assert.Same(hot, RegexProgram.Get(pattern));
        }
        Assert.Same(hot, RegexProgram.Get(pattern));
    }
}
