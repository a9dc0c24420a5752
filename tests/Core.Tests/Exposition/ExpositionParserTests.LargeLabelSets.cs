using System.Globalization;
using System.Text;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Tests.Exposition;

public partial class ExpositionParserTests
{
    /// <summary>One sample line with <paramref name="count"/> labels l00000.. written in descending name order.</summary>
    private static string DescendingLabelsLine(int count, int duplicateOf = -1)
    {
        var sb = new StringBuilder("a{");
        for (var i = count - 1; i >= 0; i--)
        {
            sb.Append('l').Append(i.ToString("D5", CultureInfo.InvariantCulture)).Append("=\"v").Append(i.ToString(CultureInfo.InvariantCulture)).Append("\",");
            if (i == duplicateOf) sb.Append('l').Append(i.ToString("D5", CultureInfo.InvariantCulture)).Append("=\"again\",");
        }
        return sb.Append("} 1\n").ToString();
    }

    [Theory]
    [InlineData(ExpositionFormat.PrometheusText)]
    [InlineData(ExpositionFormat.OpenMetrics)]
    public void HugeDescendingLabelSet_IsSortedAndComplete(ExpositionFormat format)
    {
        const int count = 50_000;
        var body = DescendingLabelsLine(count).Replace(",}", "}", StringComparison.Ordinal);
        if (format == ExpositionFormat.OpenMetrics) body += "# EOF\n";

        var labels = Single(ExpositionParser.Parse(Encoding.UTF8.GetBytes(body), format)).Labels;

        Assert.Equal(count + 1, labels.Count);
        Assert.Equal(new Label(Label.MetricName, "a"), labels[0]);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(new Label("l" + i.ToString("D5", CultureInfo.InvariantCulture), "v" + i.ToString(CultureInfo.InvariantCulture)), labels[i + 1]);
        }
    }

    public static TheoryData<int, int> DuplicatesInLargeSets => new()
    {
        // label count, index of the label written twice (both sort paths: below and above 16 labels)
        { 5, 2 },
        { 16, 0 },
        { 17, 16 },
        { 1000, 500 },
        { 50_000, 0 },
    };

    [Theory]
    [MemberData(nameof(DuplicatesInLargeSets))]
    public void LargeLabelSet_WithRepeatedName_FailsNamingIt(int count, int duplicate)
    {
        var ex = Assert.Throws<ExpositionParseException>(() => ParseText(DescendingLabelsLine(count, duplicate)));
        Assert.Contains($"duplicate label name \"l{duplicate.ToString("D5", CultureInfo.InvariantCulture)}\"", ex.Message);
        Assert.Equal(1, ex.LineNumber);
    }

    public static TheoryData<int> ShuffledSizes => new() { 1, 15, 16, 17, 40, 300 };

    [Theory]
    [MemberData(nameof(ShuffledSizes))]
    public void LabelSet_InAnyOrder_MatchesLabelsFrom(int count)
    {
        var random = new Random(count);
        var names = Enumerable.Range(0, count).Select(i => "n" + random.Next().ToString("x8", CultureInfo.InvariantCulture) + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var body = "m{" + string.Join(",", names.Select((n, i) => $"{n}=\"{(i % 7 == 3 ? "" : "v" + i.ToString(CultureInfo.InvariantCulture))}\"")) + "} 1\n";

        var expected = Labels.From(names.Select((n, i) => new Label(n, i % 7 == 3 ? "" : "v" + i.ToString(CultureInfo.InvariantCulture)))
            .Append(new Label(Label.MetricName, "m")));

        Assert.Equal(expected, Single(ParseText(body)).Labels);
    }
}
