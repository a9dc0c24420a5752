using System.Globalization;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Federation;

/// <summary>
/// SeriesOrder sorts the samples of one family the way a client library exposes them: by label set
/// (ignoring the name and <c>le</c>/<c>quantile</c>), then for histograms buckets by ascending <c>le</c>,
/// then <c>_sum</c>, then <c>_count</c>; for summaries quantiles ascending, then <c>_sum</c>, <c>_count</c>.
/// </summary>
internal sealed class SeriesOrder(string familyName, MetricType type) : IComparer<Sample>
{
    private readonly string? _boundLabel = type switch
    {
        MetricType.Histogram or MetricType.GaugeHistogram => "le",
        MetricType.Summary => "quantile",
        _ => null,
    };

    /// <summary>The label that orders a family's series after their other labels (<c>le</c>, <c>quantile</c>), or null.</summary>
    public string? BoundLabel => _boundLabel;

    public int Compare(Sample x, Sample y) => Compare(x.Labels, y.Labels);

    /// <summary>Compares two series by their labels alone (all this order looks at).</summary>
    public int Compare(Labels x, Labels y)
    {
        var c = CompareIgnoring(x, y);
        if (c != 0) return c;
        var xName = x.MetricName;
        var yName = y.MetricName;
        if (_boundLabel is null) return string.CompareOrdinal(xName, yName);
        c = SuffixRank(xName).CompareTo(SuffixRank(yName));
        if (c != 0) return c;
        c = Bound(x).CompareTo(Bound(y));
        if (c != 0) return c;
        c = string.CompareOrdinal(x.Get(_boundLabel), y.Get(_boundLabel));
        // Last, the name itself: 0 must mean "the same series", or duplicates would not end up side by side.
        return c != 0 ? c : string.CompareOrdinal(xName, yName);
    }

    private int SuffixRank(string name)
    {
        if (name.Length == familyName.Length) return 0;
        var suffix = name.AsSpan(familyName.Length);
        return suffix switch
        {
            "_bucket" => 0,
            "_sum" or "_gsum" => 1,
            "_count" or "_gcount" => 2,
            _ => 3,
        };
    }

    private double Bound(Labels labels)
    {
        var text = labels.Get(_boundLabel!);
        if (text.Length == 0) return double.NegativeInfinity;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
            : text is "+Inf" or "Inf" ? double.PositiveInfinity : double.NaN;
    }

    /// <summary>Compares two label sets pairwise as <see cref="Labels.CompareTo"/>, skipping the name and bound labels.</summary>
    private int CompareIgnoring(Labels a, Labels b)
    {
        var x = a.AsSpan();
        var y = b.AsSpan();
        int i = 0, j = 0;
        while (true)
        {
            while (i < x.Length && Ignored(x[i].Name)) i++;
            while (j < y.Length && Ignored(y[j].Name)) j++;
            var xDone = i == x.Length;
            var yDone = j == y.Length;
            if (xDone || yDone) return xDone == yDone ? 0 : xDone ? -1 : 1;
            var c = string.CompareOrdinal(x[i].Name, y[j].Name);
            if (c != 0) return c;
            c = string.CompareOrdinal(x[i].Value, y[j].Value);
            if (c != 0) return c;
            i++;
            j++;
        }
    }

    /// <summary>Whether the label <paramref name="name"/> is left out of the label-set comparison (the name, the bound label).</summary>
    public bool Ignored(string name) => name == Label.MetricName || (_boundLabel is not null && name == _boundLabel);
}
