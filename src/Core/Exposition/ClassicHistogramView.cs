using FedFunctions.Core.Model;

namespace FedFunctions.Core.Exposition;

/// <summary>
/// ClassicHistogramView is what a text client of <c>/federate</c> sees of native histograms, as in Prometheus 3.7+:
/// an exponential native histogram has no text form and is left out; a custom-bucket one (schema -53) becomes
/// classic series <c>_bucket{le}</c> (cumulative, with <c>+Inf</c> equal to the count), <c>_sum</c> and <c>_count</c>.
/// </summary>
internal static class ClassicHistogramView
{
    /// <summary>Whether the family holds any native histogram sample.</summary>
    public static bool HasNative(MetricFamily family)
    {
        var samples = family.Samples;
        for (var i = 0; i < samples.Count; i++)
        {
            if (samples[i].IsHistogram) return true;
        }
        return false;
    }

    /// <summary>The family with its native samples left out or expanded into classic series.</summary>
    public static MetricFamily ForText(MetricFamily family)
    {
        if (!HasNative(family)) return family;
        var samples = new List<Sample>(family.Samples.Count);
        foreach (var sample in family.Samples)
        {
            if (sample.Histogram is not { } histogram) samples.Add(sample);
            else if (histogram.HasCustomBuckets) AddClassic(samples, sample, histogram);
        }
        return family with { Samples = samples };
    }

    /// <summary>Appends the classic series of a custom-bucket histogram: buckets by ascending bound, <c>+Inf</c>, sum, count.</summary>
    public static void AddClassic(List<Sample> samples, in Sample sample, NativeHistogram histogram)
    {
        var name = sample.Labels.MetricName;
        var cumulative = CumulativeCounts(histogram);
        var bounds = histogram.CustomValues;
        for (var i = 0; i < bounds.Count; i++)
            samples.Add(new Sample(sample.Labels.ToBuilder().Set(Label.MetricName, name + "_bucket").Set("le", GoFloat.ToString(bounds[i])).Build(), cumulative[i], sample.TimestampMs));
        samples.Add(new Sample(sample.Labels.ToBuilder().Set(Label.MetricName, name + "_bucket").Set("le", "+Inf").Build(), histogram.TotalCount, sample.TimestampMs));
        samples.Add(new Sample(sample.Labels.ToBuilder().Set(Label.MetricName, name + "_sum").Build(), histogram.Sum, sample.TimestampMs));
        samples.Add(new Sample(sample.Labels.ToBuilder().Set(Label.MetricName, name + "_count").Build(), histogram.TotalCount, sample.TimestampMs));
    }

    /// <summary>The cumulative count at each custom bound (bucket i covers (bound[i-1], bound[i]]).</summary>
    public static double[] CumulativeCounts(NativeHistogram histogram)
    {
        var perIndex = new double[histogram.CustomValues.Count + 1];
        var counts = histogram.PositiveBucketCounts();
        var index = 0L;
        var next = 0;
        for (var s = 0; s < histogram.PositiveSpans.Count; s++)
        {
            var span = histogram.PositiveSpans[s];
            index += span.Offset;
            for (var j = 0u; j < span.Length && next < counts.Length; j++, index++, next++)
            {
                if (index >= 0 && index < perIndex.Length) perIndex[index] += counts[next];
            }
        }
        var cumulative = new double[histogram.CustomValues.Count];
        var running = 0.0;
        for (var i = 0; i < cumulative.Length; i++)
        {
            running += perIndex[i];
            cumulative[i] = running;
        }
        return cumulative;
    }
}
