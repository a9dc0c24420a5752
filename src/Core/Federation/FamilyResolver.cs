using FedFunctions.Core.Model;

namespace FedFunctions.Core.Federation;

/// <summary>
/// FamilyResolver decides which metric family a sample belongs to, from the metadata its target
/// scraped: <c>x_bucket</c>, <c>x_sum</c> and <c>x_count</c> of a histogram <c>x</c> go under <c>x</c>, as a
/// client library would expose them. Everything else is its own family named after the sample.
/// </summary>
internal static class FamilyResolver
{
    /// <summary>Returns the family (name and metadata) for a sample name, given its target's metadata.</summary>
    public static MetricMetadata Resolve(string sampleName, IReadOnlyDictionary<string, MetricMetadata> metadata)
    {
        if (metadata.TryGetValue(sampleName, out var exact))
        {
            // A summary's quantile series and plain gauges/counters/untyped carry the family name itself.
            if (exact.Type is not (MetricType.Histogram or MetricType.GaugeHistogram)) return exact;
        }

        var underscore = sampleName.LastIndexOf('_');
        if (underscore > 0)
        {
            var suffix = sampleName.AsSpan(underscore);
            var baseName = sampleName[..underscore];
            if (metadata.TryGetValue(baseName, out var family))
            {
                switch (family.Type)
                {
                    case MetricType.Histogram when suffix is "_bucket" or "_sum" or "_count":
                    case MetricType.GaugeHistogram when suffix is "_bucket" or "_gsum" or "_gcount" or "_sum" or "_count":
                    case MetricType.Summary when suffix is "_sum" or "_count":
                        return family;
                    case MetricType.Counter when suffix is "_total":
                        // OpenMetrics counters are named without _total; text 0.0.4 names the family after the series.
                        return family with { Name = sampleName };
                    case MetricType.Info when suffix is "_info":
                        return family with { Name = sampleName, Type = MetricType.Gauge };
                }
            }
        }

        return exact ?? new MetricMetadata(sampleName, MetricType.Unknown, "", "");
    }

    /// <summary>The metric names <see cref="Resolve"/> may put under the family <paramref name="familyName"/>: itself and its suffixed series.</summary>
    public static string[] MemberCandidates(string familyName) =>
        [familyName, familyName + "_bucket", familyName + "_sum", familyName + "_count", familyName + "_gsum", familyName + "_gcount"];

    /// <summary>
    /// Merges two targets' view of the same family (keeping <paramref name="current"/>'s name): the first
    /// non-empty help wins; conflicting types become untyped.
    /// </summary>
    public static MetricMetadata Merge(MetricMetadata current, MetricMetadata other)
    {
        var type = current.Type == other.Type ? current.Type : MetricType.Unknown;
        var help = current.Help.Length > 0 ? current.Help : other.Help;
        var unit = current.Unit.Length > 0 ? current.Unit : other.Unit;
        return type == current.Type && ReferenceEquals(help, current.Help) && ReferenceEquals(unit, current.Unit)
            ? current
            : new MetricMetadata(current.Name, type, help, unit);
    }
}
