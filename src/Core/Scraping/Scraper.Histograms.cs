using FedFunctions.Core.Configuration;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Scraping;

public sealed partial class Scraper
{
    /// <summary>The error of a scrape with a native histogram over <c>native_histogram_bucket_limit</c> (Prometheus' <c>errBucketLimit</c>).</summary>
    internal const string BucketLimitExceeded = "histogram bucket limit exceeded";

    /// <summary>
    /// Applies a job's <c>native_histogram_min_bucket_factor</c> and <c>native_histogram_bucket_limit</c> to one native
    /// histogram as Prometheus' scrape appenders do, in their order (<c>maxSchemaAppender</c>, then
    /// <c>bucketLimitAppender</c>): an exponential histogram above the factor's schema is reduced to it; then, while it
    /// has more buckets than the limit, its schema is lowered by one. Null when the limit cannot be met: a
    /// custom-bucket histogram over the limit, or still too many buckets at schema −4 (the scrape then fails).
    /// </summary>
    internal static NativeHistogram? LimitHistogram(NativeHistogram histogram, ScrapeJobConfig job)
    {
        if (!histogram.HasCustomBuckets && histogram.Schema > job.NativeHistogramMaxSchema)
            histogram = histogram.ReduceResolution(job.NativeHistogramMaxSchema);
        var limit = job.NativeHistogramBucketLimit;
        if (limit <= 0 || histogram.BucketCount <= limit) return histogram;
        if (histogram.HasCustomBuckets) return null;
        while (histogram.BucketCount > limit)
        {
            if (histogram.Schema <= NativeHistogram.MinExponentialSchema) return null;
            histogram = histogram.ReduceResolution(histogram.Schema - 1);
        }
        return histogram;
    }
}
