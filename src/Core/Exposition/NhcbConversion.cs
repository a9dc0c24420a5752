using FedFunctions.Core.Model;

namespace FedFunctions.Core.Exposition;

/// <summary>
/// NhcbConversion is <c>convert_classic_histograms_to_nhcb</c>: each classic histogram of a family typed
/// histogram (its <c>_bucket{le}</c>, <c>_count</c> and <c>_sum</c> series of one label set) becomes one
/// custom-bucket native histogram (schema -53) named like the family, bounds = the finite <c>le</c> values.
/// A histogram already read as native is left alone; with <c>always_scrape_classic_histograms</c> the classic
/// series stay beside the new one. A group that does not form a valid histogram (no <c>+Inf</c> bucket, an
/// unparsable bound, decreasing counts) stays classic.
/// </summary>
internal static class NhcbConversion
{
    public static ExpositionDocument Apply(ExpositionDocument document, bool keepClassic)
    {
        var histogramFamilies = document.Metadata.Where(m => m.Type == MetricType.Histogram).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        if (histogramFamilies.Count == 0) return document;

        var samples = document.Samples;
        // Group classic series by family and label set (without __name__ and le), in body order.
        var groups = new Dictionary<(string Family, Labels Others), List<int>>();
        var natives = new HashSet<(string, Labels)>();
        for (var i = 0; i < samples.Count; i++)
        {
            var name = samples[i].Labels.MetricName;
            if (samples[i].IsHistogram)
            {
                if (histogramFamilies.Contains(name)) natives.Add((name, Rest(samples[i].Labels)));
                continue;
            }
            if (FamilyOf(name, histogramFamilies) is not { } family) continue;
            var key = (family, Rest(samples[i].Labels));
            if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
            list.Add(i);
        }

        var replaced = new Dictionary<int, Sample>(); // first index of a group -> its native histogram
        var removed = new HashSet<int>();
        foreach (var ((family, rest), indexes) in groups)
        {
            if (natives.Contains((family, rest)) || Convert(samples, indexes, family) is not { } histogram) continue;
            var first = samples[indexes[0]];
            var labels = rest.ToBuilder().Set(Label.MetricName, family).Build();
            replaced[indexes[0]] = new Sample(labels, histogram.Sum, first.TimestampMs, histogram);
            if (!keepClassic) removed.UnionWith(indexes);
        }
        if (replaced.Count == 0) return document;

        var result = new List<Sample>(samples.Count);
        var empty = new Dictionary<int, IReadOnlyCollection<string>>();
        for (var i = 0; i < samples.Count; i++)
        {
            if (replaced.TryGetValue(i, out var native)) result.Add(native);
            if (removed.Contains(i)) continue;
            if (document.ExplicitlyEmptyLabels.TryGetValue(i, out var names)) empty[result.Count] = names;
            result.Add(samples[i]);
        }
        return new ExpositionDocument
        {
            Format = document.Format,
            Metadata = document.Metadata,
            Samples = result,
            DuplicateSeries = document.DuplicateSeries,
            ExplicitlyEmptyLabels = empty,
        };
    }

    private static NativeHistogram? Convert(IReadOnlyList<Sample> samples, List<int> indexes, string family)
    {
        var buckets = new List<(double Bound, double Cumulative)>();
        double? count = null, sum = null;
        foreach (var i in indexes)
        {
            var sample = samples[i];
            var suffix = sample.Labels.MetricName.AsSpan(family.Length);
            if (suffix.SequenceEqual("_bucket"))
            {
                var le = System.Text.Encoding.UTF8.GetBytes(sample.Labels.Get("le"));
                if (!ExpositionReader.TryParseGoFloat(le, out var bound, out _) || double.IsNaN(bound)) return null;
                buckets.Add((bound, sample.Value));
            }
            else if (suffix.SequenceEqual("_count")) count = sample.Value;
            else if (suffix.SequenceEqual("_sum")) sum = sample.Value;
        }
        buckets.Sort((a, b) => a.Bound.CompareTo(b.Bound));
        if (buckets.Count == 0 || !double.IsPositiveInfinity(buckets[^1].Bound)) return null;
        var perBucket = new double[buckets.Count];
        var previous = 0.0;
        for (var b = 0; b < buckets.Count; b++)
        {
            if (b > 0 && buckets[b].Bound == buckets[b - 1].Bound) return null;
            var delta = buckets[b].Cumulative - previous;
            if (!(delta >= 0)) return null;
            perBucket[b] = delta;
            previous = buckets[b].Cumulative;
        }
        return new NativeHistogram
        {
            Schema = NativeHistogram.CustomBucketsSchema,
            IsFloat = true,
            CountFloat = count ?? buckets[^1].Cumulative,
            Sum = sum ?? 0,
            PositiveSpans = [new BucketSpan(0, (uint)perBucket.Length)],
            PositiveCounts = perBucket,
            CustomValues = [.. buckets.Take(buckets.Count - 1).Select(b => b.Bound)],
        };
    }

    private static string? FamilyOf(string name, HashSet<string> families)
    {
        foreach (var suffix in (ReadOnlySpan<string>)["_bucket", "_count", "_sum"])
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && families.Contains(name[..^suffix.Length])) return name[..^suffix.Length];
        }
        return null;
    }

    private static Labels Rest(Labels labels) => labels.ToBuilder().RemoveWhere(static l => l.Name is Label.MetricName or "le").Build();
}
