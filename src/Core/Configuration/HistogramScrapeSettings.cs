using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace FedFunctions.Core.Configuration;

/// <summary>
/// HistogramScrapeSettings reads the Prometheus 3 keys that decide the scrape format and the histogram parts
/// kept: <c>scrape_protocols</c> and <c>scrape_native_histograms</c>, <c>always_scrape_classic_histograms</c>,
/// <c>convert_classic_histograms_to_nhcb</c> (global and per job), <c>fallback_scrape_protocol</c>,
/// <c>native_histogram_bucket_limit</c> and <c>native_histogram_min_bucket_factor</c> (per job only, as in Prometheus).
/// A job's unset key inherits the global value; the protocol list defaults as in Prometheus: the job's list,
/// else the global one, else protobuf first when the job scrapes native histograms, else the default list.
/// </summary>
internal static class HistogramScrapeSettings
{
    /// <summary>The keys as read from one section: null where the key is absent.</summary>
    public sealed class Raw
    {
        public IReadOnlyList<ScrapeProtocol>? Protocols { get; set; }
        public ScrapeProtocol? Fallback { get; set; }
        public bool? NativeHistograms { get; set; }
        public bool? AlwaysClassic { get; set; }
        public bool? ConvertToNhcb { get; set; }
        public long BucketLimit { get; set; }
        public double MinBucketFactor { get; set; }
    }

    /// <summary>Reads one of the keys into <paramref name="raw"/>; false when <paramref name="key"/> is none of them.</summary>
    public static bool TryRead(YamlConfigReader reader, string key, YamlNode value, string where, Raw raw, bool job, string? jobName)
    {
        switch (key)
        {
            case "scrape_protocols":
                raw.Protocols = ReadProtocols(reader, value, key, where);
                return true;
            case "fallback_scrape_protocol" when job:
                var text = reader.String(value, key, where);
                if (text.Length == 0) return true;
                if (!ScrapeProtocols.TryParse(text, out var fallback))
                    throw reader.Fail(value, key, $"invalid fallback_scrape_protocol for scrape config with job name \"{jobName}\": unknown scrape protocol {text}, supported: {ScrapeProtocols.SupportedList}");
                raw.Fallback = fallback;
                return true;
            case "scrape_native_histograms":
                raw.NativeHistograms = reader.Bool(value, key, where);
                return true;
            case "always_scrape_classic_histograms":
                raw.AlwaysClassic = reader.Bool(value, key, where);
                return true;
            case "convert_classic_histograms_to_nhcb":
                raw.ConvertToNhcb = reader.Bool(value, key, where);
                return true;
            // A uint in Prometheus: a negative or fractional value does not load.
            case "native_histogram_bucket_limit" when job:
                raw.BucketLimit = reader.Int(value, key, where);
                return true;
            case "native_histogram_min_bucket_factor" when job:
                raw.MinBucketFactor = ReadFactor(reader, value, key, where);
                return true;
            default:
                return false;
        }
    }

    // A YAML float as Go's YAML library reads one (digits, exponents, .inf); NaN is refused: Prometheus would turn it
    // into a meaningless schema and fail every scrape of a native histogram.
    private static double ReadFactor(YamlConfigReader reader, YamlNode value, string key, string where)
    {
        var text = reader.String(value, key, where);
        var factor = text switch
        {
            ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF" => double.PositiveInfinity,
            "-.inf" or "-.Inf" or "-.INF" => double.NegativeInfinity,
            _ when double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => double.NaN,
        };
        if (double.IsNaN(factor))
            throw reader.Fail(value, key, $"invalid {key} \"{text}\" in {where}: must be a number (the smallest growth factor from one native histogram bucket to the next, e.g. 1.1; 0 for none)");
        return factor;
    }

    private static List<ScrapeProtocol> ReadProtocols(YamlConfigReader reader, YamlNode value, string key, string where)
    {
        var items = reader.Sequence(value, key, where);
        if (items.Count == 0) throw reader.Fail(value, key, $"scrape_protocols cannot be empty in {where}");
        var list = new List<ScrapeProtocol>(items.Count);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var spellings = items.Select(item => reader.String(item, key, where)).ToList();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var text = spellings[i];
            if (!ScrapeProtocols.TryParse(text, out var protocol))
                throw reader.Fail(item, key, $"unknown scrape protocol {text}, supported: {ScrapeProtocols.SupportedList} in {where}");
            if (!seen.Add(text))
                throw reader.Fail(item, key, $"duplicated protocol in scrape_protocols, got [{string.Join(' ', spellings)}] in {where}");
            list.Add(protocol);
        }
        return list;
    }
}
