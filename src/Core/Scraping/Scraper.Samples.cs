using FedFunctions.Core.Configuration;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;
using FedFunctions.Core.Relabeling;

namespace FedFunctions.Core.Scraping;

public sealed partial class Scraper
{
    private sealed record SampleOutcome(List<Sample> Samples, HashSet<Labels> Series, int Scraped, int PostRelabel, string? Error);

    // Turns a parsed body into final samples: timestamps, target labels, metric relabeling, duplicates.
    private static SampleOutcome BuildSamples(ScrapeTarget target, ExpositionDocument document, long scrapeMs)
    {
        var job = target.Job;
        var parsed = document.Samples;
        var samples = new List<Sample>(parsed.Count + 5);
        var series = new HashSet<Labels>(parsed.Count);
        var relabel = job.MetricRelabelConfigs;
        var explicitlyEmpty = document.ExplicitlyEmptyLabels;
        var checkLabels = job.LabelLimit > 0 || job.LabelNameLengthLimit > 0 || job.LabelValueLengthLimit > 0;
        var limitHistograms = job.NativeHistogramBucketLimit > 0 || job.NativeHistogramMaxSchema < NativeHistogram.MaxExponentialSchema;
        var bucketLimitHit = false;
        for (var i = 0; i < parsed.Count; i++)
        {
            var sample = parsed[i];
            var labels = TargetLabelMerger.Merge(sample.Labels, target.Labels, job.HonorLabels, explicitlyEmpty.GetValueOrDefault(i));
            if (relabel.Count > 0)
            {
                if (Relabeler.Process(labels, relabel) is not { } relabeled) continue;
                labels = relabeled;
            }
            // As Prometheus: a series without a name after relabeling fails the whole scrape.
            if (labels.MetricName.Length == 0)
                return new SampleOutcome([], [], 0, 0, $"missing metric name (__name__ label) in series {labels}");

            if (checkLabels && LabelLimitError(labels, job) is { } limitError)
                return new SampleOutcome([], [], 0, 0, limitError);
            if (job.NameValidation == NameValidationScheme.Legacy && LegacyNameError(labels) is { } nameError)
                return new SampleOutcome([], [], 0, 0, nameError);

            // As Prometheus' bucket-limit appender: a histogram that cannot be brought under the limit is not stored and
            // fails the scrape once the body is read (a sample or label limit error found later takes precedence).
            var histogram = sample.Histogram;
            if (histogram is not null && limitHistograms)
            {
                histogram = LimitHistogram(histogram, job);
                if (histogram is null)
                {
                    bucketLimitHit = true;
                    continue;
                }
            }

            // Label mutation can make two body series identical; keep the first, as for body duplicates.
            if (!series.Add(labels)) continue;
            // As Prometheus' limitAppender: one sample over sample_limit fails the whole scrape.
            if (job.SampleLimit > 0 && series.Count > job.SampleLimit)
                return new SampleOutcome([], [], 0, 0, "sample limit exceeded");

            var timestamp = job.HonorTimestamps && sample.TimestampMs is { } exposed ? exposed : scrapeMs;
            samples.Add(sample with { Labels = labels, TimestampMs = timestamp, Histogram = histogram });
        }
        if (bucketLimitHit) return new SampleOutcome([], [], 0, 0, BucketLimitExceeded);
        // Body duplicates were dropped by the parser; they still count as scraped samples.
        var scraped = parsed.Count + document.DuplicateSeries.Count;
        return new SampleOutcome(samples, series, scraped, samples.Count, null);
    }
}
