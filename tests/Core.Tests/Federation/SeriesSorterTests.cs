using FedFunctions.Core.Federation;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Tests.Federation;

/// <summary>The keyed sort must give exactly <see cref="SeriesOrder"/>'s order, whatever the label values.</summary>
public sealed class SeriesSorterTests
{
    private static readonly string[] Prefixes = ["", "127.0.0.1:", "host-", "127.0.0.1:4"];
    private static readonly string[] Tails = ["", "0", "1", "10", "9", "a", "\0", "a\0b", "é", "\uD83D\uDE00", "\uFFFD", "41234", "41235", "zzzzzzzzzzzz", "\u0001x"];

    private static readonly string[] Bounds = ["0.5", "1", "+Inf", "2", "0.99"];

    [Theory]
    [InlineData(1, MetricType.Gauge, false)]
    [InlineData(2, MetricType.Gauge, true)]
    [InlineData(3, MetricType.Histogram, false)]
    [InlineData(4, MetricType.Summary, false)]
    [InlineData(5, MetricType.Counter, true)]
    [InlineData(6, MetricType.Histogram, true)]
    public void SortsAsTheSeriesOrderDoes(int seed, MetricType type, bool mixedNames)
    {
        var random = new Random(seed);
        for (var round = 0; round < 20; round++)
        {
            var order = new SeriesOrder("m", type);
            var count = random.Next(60, 400);
            var labels = new Labels[count];
            // Values share a prefix per round (as instance addresses do), and rarely hold a 0 character.
            var prefix = Prefixes[random.Next(Prefixes.Length)];
            for (var i = 0; i < count; i++)
            {
                var name = type switch
                {
                    MetricType.Histogram => new[] { "m_bucket", "m_sum", "m_count" }[random.Next(3)],
                    MetricType.Summary => new[] { "m", "m_sum", "m_count" }[random.Next(3)],
                    _ => "m",
                };
                var pairs = new List<string> { "__name__", name, "a", Value(random, ""), "instance", Value(random, prefix), "z", Value(random, "") };
                if (type == MetricType.Histogram && name == "m_bucket") pairs.AddRange(["le", Bounds[random.Next(Bounds.Length)]]);
                if (type == MetricType.Summary && name == "m") pairs.AddRange(["quantile", Bounds[random.Next(Bounds.Length)]]);
                if (mixedNames && random.Next(10) == 0) pairs.AddRange(["extra", Value(random, "")]);
                labels[i] = Labels.Of([.. pairs]);
            }

            var expected = labels.Order(Comparer<Labels>.Create(order.Compare)).Select(l => l.ToString()).ToList();
            var actual = SeriesSorter.Order(labels, order).Select(i => labels[i].ToString()).ToList();
            Assert.Equal(expected, actual);
            Assert.Equal(count, SeriesSorter.Order(labels, order).Distinct().Count());
        }
    }

    [Fact]
    public void SortsSamplesInPlace()
    {
        var order = new SeriesOrder("m", MetricType.Gauge);
        var samples = Enumerable.Range(0, 100).Reverse()
            .Select(i => new Sample(Labels.Of("__name__", "m", "instance", "127.0.0.1:" + (41000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)), i, null)).ToList();
        SeriesSorter.Sort(samples, order);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (double)i), samples.Select(s => s.Value));
    }

    private static string Value(Random random, string prefix) =>
        random.Next(8) == 0 ? Tails[random.Next(Tails.Length)] : prefix + Tails[random.Next(Tails.Length)] + Tails[random.Next(Tails.Length)];
}
