using System.Text;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Scraping;

public sealed partial class Scraper
{
    private const int MaxShown = 50;

    // Prometheus' verifyLabelLimits, run on the final labels of a series (target labels and metric
    // relabeling applied); lengths are UTF-8 bytes as in Go. Messages follow Prometheus' wording.
    private static string? LabelLimitError(Labels labels, ScrapeJobConfig job)
    {
        var metric = Shorten(labels.MetricName);
        if (job.LabelLimit > 0 && labels.Count > job.LabelLimit)
            return $"label_limit exceeded (metric: {metric}, number of labels: {labels.Count}, limit: {job.LabelLimit})";
        if (job.LabelNameLengthLimit == 0 && job.LabelValueLengthLimit == 0) return null;
        foreach (var label in labels.AsSpan())
        {
            if (job.LabelNameLengthLimit > 0)
            {
                var length = Encoding.UTF8.GetByteCount(label.Name);
                if (length > job.LabelNameLengthLimit)
                    return $"label_name_length_limit exceeded (metric: {metric}, label name: {Shorten(label.Name)}, length: {length}, limit: {job.LabelNameLengthLimit})";
            }
            if (job.LabelValueLengthLimit > 0)
            {
                var length = Encoding.UTF8.GetByteCount(label.Value);
                if (length > job.LabelValueLengthLimit)
                    return $"label_value_length_limit exceeded (metric: {metric}, label name: {Shorten(label.Name)}, value: \"{LabelValueEscaping.Escape(Shorten(label.Value))}\", length: {length}, limit: {job.LabelValueLengthLimit})";
            }
        }
        return null;
    }

    // Prometheus 3's scrapeLoop.append under metric_name_validation_scheme: legacy: a series whose metric
    // name or label names fall outside the classic syntax fails the whole scrape (labels.IsValid).
    private static string? LegacyNameError(Labels labels)
    {
        foreach (var label in labels.AsSpan())
        {
            var valid = label.Name == "__name__" ? LegacyNames.IsMetricName(label.Value) : LegacyNames.IsLabelName(label.Name);
            if (!valid) return $"invalid metric name or label names: {labels}";
        }
        return null;
    }

    // Go's %.50s: at most 50 characters of the text.
    private static string Shorten(string text) =>
        text.Length <= MaxShown ? text : text[..(char.IsHighSurrogate(text[MaxShown - 1]) ? MaxShown - 1 : MaxShown)];

}
