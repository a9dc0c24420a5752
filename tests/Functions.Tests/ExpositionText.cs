using System.Text.RegularExpressions;

namespace FedFunctions.Functions.Tests;

/// <summary>Reads exposition text in tests: sample lines as series text → value, comments aside.</summary>
public static partial class ExpositionText
{
    /// <summary>Sample lines keyed by their series text (name and labels as written), with the value text.</summary>
    public static Dictionary<string, string> Samples(string body)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in body.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var match = SampleLine().Match(line);
            Assert.True(match.Success, "not a sample line: " + line);
            Assert.True(result.TryAdd(match.Groups["series"].Value, match.Groups["value"].Value), "series twice: " + line);
        }
        return result;
    }

    /// <summary>Series names (before any brace) of the sample lines.</summary>
    public static HashSet<string> Names(string body) => Samples(body).Keys.Select(k => k.Split('{')[0]).ToHashSet(StringComparer.Ordinal);

    /// <summary>A label set written as text, with its labels sorted, so label order does not matter in comparisons.</summary>
    public static string Canonical(string series)
    {
        var brace = series.IndexOf('{');
        if (brace < 0) return series;
        var name = series[..brace];
        var pairs = LabelPair().Matches(series[(brace + 1)..^1]).Select(m => m.Value).Where(p => !p.EndsWith("=\"\"", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        return name + "{" + string.Join(",", pairs) + "}";
    }

    /// <summary>
    /// The series as Prometheus 3 (and fed-functions) store it: integral <c>le</c>/<c>quantile</c> values written as
    /// floats (<c>quantile="0"</c> becomes <c>quantile="0.0"</c>), for comparing with Prometheus 2.42, which keeps them as scraped.
    /// Only for series of histogram and summary families (the only ones that carry these labels in the fixtures).
    /// </summary>
    public static string WithFloatBounds(string series) => IntegralBound().Replace(series, m => m.Value[..^1] + ".0\"");

    [GeneratedRegex("""(?<=[{,](le|quantile)=")-?\d+"(?=[,}])""")]
    private static partial Regex IntegralBound();

    [GeneratedRegex("""^(?<series>[^ {]+(\{.*\})?) (?<value>\S+)( (?<ts>-?\d+))?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"[a-zA-Z_][a-zA-Z0-9_]*=""(\\.|[^""\\])*""")]
    private static partial Regex LabelPair();
}
