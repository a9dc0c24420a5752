using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// One OpenMetrics 1.0 body served as a live target. <paramref name="PrometheusUp"/> is what Prometheus 2.42 makes of it
/// (1: scraped, 0: the scrape is refused); <paramref name="Rule"/> names the specification or parser rule the case probes.
/// </summary>
public sealed partial record OpenMetricsCase(string Name, bool PrometheusUp, string Rule, string Body)
{
    /// <summary>Set where fed-functions deliberately differs from Prometheus 2.42: its own <c>up</c> and why.</summary>
    public Deviation? Deviation { get; init; }

    /// <summary>The <c>up</c> fed-functions must report.</summary>
    public bool OursUp => Deviation?.OursUp ?? PrometheusUp;

    /// <summary>
    /// The body's bytes at serve time: <c>{{T}}</c>, <c>{{T-n}}</c> and <c>{{T+n}}</c> become whole seconds around
    /// <paramref name="nowSeconds"/> (explicit timestamps must be recent for both sides to keep them), <c>{{FF}}</c> a 0xFF byte.
    /// </summary>
    public byte[] Render(long nowSeconds)
    {
        var text = Placeholder().Replace(Body, m => m.Groups["ff"].Success
            ? "\uFFFF"
            : (nowSeconds + (m.Groups["delta"].Success ? long.Parse(m.Groups["delta"].Value, CultureInfo.InvariantCulture) : 0)).ToString(CultureInfo.InvariantCulture));
        var bytes = Encoding.UTF8.GetBytes(text);
        // U+FFFF encodes as EF BF BF; each stands for one raw 0xFF byte (invalid UTF-8 anywhere).
        var result = new List<byte>(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (i + 2 < bytes.Length && bytes[i] == 0xEF && bytes[i + 1] == 0xBF && bytes[i + 2] == 0xBF)
            {
                result.Add(0xFF);
                i += 2;
            }
            else result.Add(bytes[i]);
        }
        return [.. result];
    }

    /// <summary>The families the body types histogram or summary: fed-functions writes their le/quantile as floats (Prometheus 3).</summary>
    public IReadOnlySet<string> BoundFamilies => BoundType().Matches(Body).Select(m => m.Groups["family"].Value).ToHashSet(StringComparer.Ordinal);

    public override string ToString() => Name;

    [GeneratedRegex(@"\{\{(T(?<delta>[-+]\d+)?|(?<ff>FF))\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^# TYPE (?<family>\S+) (histogram|summary)$", RegexOptions.Multiline)]
    private static partial Regex BoundType();
}

/// <summary>A listed, deliberate difference from Prometheus 2.42.</summary>
public sealed record Deviation(bool OursUp, string Why);

/// <summary>
/// The OpenMetrics case set: valid and invalid bodies written from the OpenMetrics 1.0 specification's rules, each
/// with the verdict of Prometheus 2.42 (checked live by <see cref="OpenMetricsConformanceTests"/>). Names are
/// <c>[a-z0-9_]</c>: each becomes a target's <c>case</c> label and path.
/// </summary>
public static class OpenMetricsCases
{
    private const string Eof = "# EOF\n";

    public static readonly IReadOnlyList<OpenMetricsCase> All =
    [
        // --- # EOF ---
        new("eof_only", true, "a body may be just # EOF", Eof),
        new("eof_without_newline", true, "the final newline after # EOF is optional", "a 1\n# EOF"),
        new("eof_missing", false, "the body must end with # EOF", "a 1\n"),
        new("eof_empty_body", false, "an empty body has no # EOF", ""),
        new("eof_then_blank_line", false, "nothing may follow # EOF, not even a blank line", "a 1\n# EOF\n\n"),
        new("eof_then_sample", false, "nothing may follow # EOF", "# EOF\na 1\n"),
        new("eof_lowercase", false, "EOF is upper case", "a 1\n# eof\n"),

        // --- TYPE, HELP, UNIT ---
        new("metadata_full", true, "TYPE, UNIT and HELP of one family", "# TYPE up_seconds gauge\n# UNIT up_seconds seconds\n# HELP up_seconds Time up.\nup_seconds 12.5\n" + Eof),
        new("unit_not_suffix", false, "the unit must be a suffix of the family name", "# TYPE a gauge\n# UNIT a seconds\na 1\n" + Eof),
        new("unit_suffix_without_underscore", false, "the unit must follow an underscore", "# UNIT abcseconds seconds\nabcseconds 1\n" + Eof),
        new("unit_is_whole_name", false, "the unit cannot be the whole name", "# UNIT seconds seconds\nseconds 1\n" + Eof),
        new("unit_after_leading_underscore", true, "_seconds ends in _ + the unit", "# UNIT _seconds seconds\n_seconds 1\n" + Eof),
        new("unit_empty", true, "an empty unit is no unit", "# UNIT a_seconds \na_seconds 1\n" + Eof),
        new("type_twice", true, "Prometheus does not check duplicate metadata", "# TYPE a gauge\n# TYPE a counter\na 1\n" + Eof),
        new("help_twice", true, "Prometheus does not check duplicate metadata", "# HELP a one\n# HELP a two\na 1\n" + Eof),
        new("metadata_after_samples", true, "Prometheus does not check where metadata stands", "a 1\n# TYPE a gauge\n# HELP a late\n" + Eof),
        new("interleaved_families", true, "Prometheus does not check that a family's samples are together", "# TYPE a gauge\n# TYPE b gauge\na 1\nb 2\na{x=\"1\"} 3\n" + Eof),
        new("type_untyped", false, "untyped is text 0.0.4's word; OpenMetrics says unknown", "# TYPE a untyped\na 1\n" + Eof),
        new("type_trailing_space", false, "the type is the rest of the line", "# TYPE a gauge \na 1\n" + Eof),
        new("help_without_text", false, "a space and text must follow the name", "# HELP a\na 1\n" + Eof),
        new("help_empty_text", true, "the help text may be empty", "# HELP a \na 1\n" + Eof),
        new("help_escapes", true, "help text escapes \\\\, \\\" and \\n", "# HELP a A \\\"quoted\\\" help \\\\ with a \\n newline.\na 1\n" + Eof),
        new("help_carriage_return", true, "a CR is ordinary help text", "# HELP a text\r\na 1\n" + Eof),
        new("help_invalid_utf8", false, "help text must be valid UTF-8", "# HELP a x{{FF}}\na 1\n" + Eof),
        new("metadata_without_samples", true, "a family may have no samples", "# TYPE a gauge\n# HELP a nothing yet\n" + Eof),
        new("metadata_quoted_name", false, "OpenMetrics 1.0 names in metadata are unquoted", "# TYPE \"a\" gauge\na 1\n" + Eof)
        {
            Deviation = new(true, "Prometheus 3 reads quoted names in HELP/TYPE/UNIT; fed-functions follows Prometheus 3, 2.42 refuses"),
        },
        new("comment_line", false, "OpenMetrics has no free comments", "# just a comment\na 1\n" + Eof),
        new("comment_without_space", false, "# must be followed by one space", "#TYPE a gauge\na 1\n" + Eof),
        new("metadata_double_space", false, "single spaces only", "# TYPE  a gauge\na 1\n" + Eof),

        // --- counters, _created, other types ---
        new("counter_total", true, "a counter's sample is name_total", "# TYPE c counter\nc_total 3\n" + Eof),
        new("counter_without_total", true, "Prometheus accepts a counter sample without _total", "# TYPE c counter\nc 3\n" + Eof),
        new("counter_created", true, "_created is an ordinary series in Prometheus 2.42 and 3", "# TYPE c counter\nc_total 3\nc_created {{T-60}}\n" + Eof),
        new("counter_negative", true, "Prometheus does not check counter values", "# TYPE c counter\nc_total -1\n" + Eof),
        new("info", true, "info family, name_info sample", "# TYPE build info\nbuild_info{version=\"1.2.3\"} 1\n" + Eof),
        new("stateset", true, "stateset: one sample per state", "# TYPE s stateset\ns{s=\"a\"} 1\ns{s=\"b\"} 0\n" + Eof),
        new("gaugehistogram", true, "gaugehistogram with _bucket, _gcount, _gsum",
            "# TYPE g gaugehistogram\ng_bucket{le=\"0.5\"} 1\ng_bucket{le=\"+Inf\"} 2\ng_gcount 2\ng_gsum 1.5\n" + Eof),
        new("unknown_type", true, "unknown family", "# TYPE u unknown\nu 7\n" + Eof),
        new("no_metadata", true, "samples need no metadata", "u 7\n" + Eof),
        new("type_invalid_word", false, "TYPE must name a known type", "# TYPE a meter\na 1\n" + Eof),

        // --- histograms and summaries ---
        new("histogram_full", true, "buckets, +Inf, _count, _sum, _created",
            "# TYPE h histogram\nh_bucket{le=\"0.1\"} 1\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 3\nh_count 3\nh_sum 2.5\nh_created {{T-60}}\n" + Eof),
        new("histogram_without_inf", true, "Prometheus does not require the +Inf bucket", "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_count 2\nh_sum 1\n" + Eof),
        new("histogram_le_unordered", true, "Prometheus does not check bucket order", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 3\nh_bucket{le=\"2\"} 2\nh_bucket{le=\"1\"} 1\n" + Eof),
        new("histogram_count_only", true, "Prometheus does not require buckets", "# TYPE h histogram\nh_count 3\nh_sum 2\n" + Eof),
        new("histogram_le_not_a_number", true, "an le that is no float is kept as written", "# TYPE h histogram\nh_bucket{le=\"x\"} 1\n" + Eof),
        new("summary_quantiles", true, "quantiles, _count, _sum",
            "# TYPE s summary\ns{quantile=\"0\"} 0.1\ns{quantile=\"0.5\"} 0.2\ns{quantile=\"1\"} 0.9\ns_count 10\ns_sum 3\n" + Eof),
        new("summary_quantile_above_one", true, "Prometheus does not check quantile range", "# TYPE s summary\ns{quantile=\"1.5\"} 1\n" + Eof),

        // --- label sets ---
        new("labels_escaping", true, "label values escape \\\\, \\\" and \\n; other escapes stay",
            "a{path=\"C:\\\\dir\",quote=\"say \\\"hi\\\"\",nl=\"x\\ny\",tab=\"\\t\"} 1\n" + Eof),
        new("labels_duplicate_name", false, "a label name appears once", "a{b=\"1\",b=\"2\"} 1\n" + Eof),
        new("labels_metric_name_label", false, "__name__ in braces repeats the name", "a{__name__=\"b\"} 1\n" + Eof),
        new("labels_trailing_comma", false, "no comma before the closing brace", "a{b=\"1\",} 1\n" + Eof),
        new("labels_empty_set", true, "{} is an empty label set", "a{} 1\n" + Eof),
        new("labels_leading_comma", false, "no comma after the opening brace", "a{,b=\"1\"} 1\n" + Eof),
        new("labels_space_after_comma", false, "no blanks inside a label set", "a{b=\"1\", c=\"2\"} 1\n" + Eof),
        new("labels_space_after_brace", false, "no blanks inside a label set", "a{ b=\"1\"} 1\n" + Eof),
        new("labels_missing_comma", false, "pairs are separated by commas", "a{b=\"1\"c=\"2\"} 1\n" + Eof),
        new("labels_single_quotes", false, "values are double-quoted", "a{b='1'} 1\n" + Eof),
        new("labels_utf8_value", true, "label values are UTF-8", "a{city=\"Zürich 東京 🚀\"} 1\n" + Eof),
        new("labels_invalid_utf8_value", false, "label values must be valid UTF-8", "a{b=\"x{{FF}}\"} 1\n" + Eof),
        new("labels_raw_newline", false, "a raw newline ends the line, also inside quotes", "a{b=\"x\ny\"} 1\n" + Eof),
        new("labels_empty_value", true, "an empty value is no label", "a{b=\"\",c=\"1\"} 1\n" + Eof),
        new("labels_quoted_name", false, "OpenMetrics 1.0 label names are unquoted", "a{\"b.c\"=\"1\"} 1\n" + Eof)
        {
            Deviation = new(true, "Prometheus 3 reads quoted UTF-8 label names; fed-functions follows Prometheus 3, 2.42 refuses"),
        },
        new("labels_reserved_prefix", true, "an exposed label may start with __", "a{__x=\"1\"} 1\n" + Eof),
        new("le_and_quantile_outside_their_types", true, "le/quantile are bounds only in histogram/summary families",
            "# TYPE g gauge\ng{le=\"1\",quantile=\"0\"} 1\n# TYPE u unknown\nu_bucket{le=\"2\"} 1\n" + Eof),
        new("labels_name_with_colon", false, "label names have no colon", "a{b:c=\"1\"} 1\n" + Eof),
        new("labels_name_leading_digit", false, "label names start with a letter or _", "a{1b=\"1\"} 1\n" + Eof),
        new("labels_job_and_instance", true, "exposed job/instance become exported_*", "a{job=\"x\",instance=\"y\"} 1\n" + Eof),
        new("metric_name_colons", true, "metric names may contain colons", "a:b:c 1\n" + Eof),
        new("metric_name_underscore", true, "_ alone is a metric name", "_ 1\n" + Eof),
        new("metric_name_leading_digit", false, "metric names start with a letter, _ or :", "1a 1\n" + Eof),
        new("metric_name_quoted", false, "OpenMetrics 1.0 names are unquoted", "{\"my.metric\"} 1\n" + Eof)
        {
            Deviation = new(true, "Prometheus 3 reads quoted UTF-8 names ({\"my.metric\"}); fed-functions follows Prometheus 3, 2.42 refuses"),
        },

        // --- exemplars ---
        new("exemplar_on_counter", true, "exemplars go on _total samples", "# TYPE c counter\nc_total 1 # {trace_id=\"a\"} 1\n" + Eof),
        new("exemplar_with_timestamp", true, "an exemplar may carry a timestamp", "# TYPE c counter\nc_total 1 # {trace_id=\"a\"} 1 {{T}}\n" + Eof),
        new("exemplar_after_timestamp", true, "sample timestamp, then exemplar", "# TYPE c counter\nc_total 1 {{T}} # {trace_id=\"a\"} 0.5 {{T}}.5\n" + Eof),
        new("exemplar_on_bucket", true, "exemplars go on _bucket samples",
            "# TYPE h histogram\nh_bucket{le=\"0.5\"} 1 # {trace_id=\"b\"} 0.25\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 0.25\n" + Eof),
        new("exemplar_on_gaugehistogram_bucket", true, "exemplars go on gaugehistogram buckets too",
            "# TYPE g gaugehistogram\ng_bucket{le=\"0.5\"} 1 # {trace_id=\"c\"} 0.25\ng_bucket{le=\"+Inf\"} 1\ng_gcount 1\ng_gsum 0.25\n" + Eof),
        new("exemplar_on_gauge_named_total", true, "Prometheus 2.42 judges the sample's name, not its TYPE", "# TYPE g gauge\ng_total 1 # {a=\"b\"} 1\n" + Eof),
        new("exemplar_nan_value", true, "an exemplar value may be NaN", "# TYPE c counter\nc_total 1 # {a=\"b\"} NaN\n" + Eof),
        new("exemplar_on_gauge", false, "a gauge has no exemplars", "# TYPE g gauge\ng 1 # {a=\"b\"} 1\n" + Eof),
        new("exemplar_on_counter_without_total", false, "Prometheus 2.42 takes exemplars only on _total and _bucket", "# TYPE c counter\nc 1 # {a=\"b\"} 1\n" + Eof),
        new("exemplar_on_histogram_count", false, "Prometheus 2.42 takes exemplars only on _total and _bucket", "# TYPE h histogram\nh_count 1 # {a=\"b\"} 1\n" + Eof),
        new("exemplar_too_long", true, "Prometheus 2.42 does not check the 128-character limit without exemplar storage",
            "# TYPE c counter\nc_total 1 # {trace_id=\"" + new string('x', 200) + "\"} 1\n" + Eof),
        new("exemplar_empty_labels", true, "an exemplar's label set may be empty", "# TYPE c counter\nc_total 1 # {} 1\n" + Eof),
        new("exemplar_invalid_utf8", false, "exemplar label values must be valid UTF-8", "# TYPE c counter\nc_total 1 # {a=\"{{FF}}\"} 1\n" + Eof),
        new("exemplar_without_value", false, "an exemplar has a value", "# TYPE c counter\nc_total 1 # {a=\"b\"}\n" + Eof),
        new("exemplar_without_space", false, "# { must follow a space", "# TYPE c counter\nc_total 1 #{a=\"b\"} 1\n" + Eof),
        new("exemplar_trailing_data", false, "nothing follows the exemplar timestamp", "# TYPE c counter\nc_total 1 # {a=\"b\"} 1 {{T}} x\n" + Eof),
        new("exemplar_nan_timestamp", false, "an exemplar timestamp is a finite number", "# TYPE c counter\nc_total 1 # {a=\"b\"} 1 NaN\n" + Eof),

        // --- timestamps ---
        new("timestamp_integer_seconds", true, "timestamps are seconds", "a 1 {{T}}\n" + Eof),
        new("timestamp_fractional_seconds", true, "timestamps may be fractional", "a 1 {{T}}.250\n" + Eof),
        new("timestamp_negative", true, "a negative timestamp parses (and is too old to keep)", "a 1 -1.5\nb 2\n" + Eof),
        new("timestamp_leading_plus", true, "a timestamp may have a sign", "a 1 +{{T}}\n" + Eof),
        new("timestamp_nan", false, "a timestamp is a finite number", "a 1 NaN\n" + Eof),
        new("timestamp_inf", false, "a timestamp is a finite number", "a 1 +Inf\n" + Eof),
        new("timestamp_beyond_int64", true, "Prometheus 2.42 parses 1e300 s (its int64 conversion overflows; the point is dropped)", "a 1 1e300\nb 2\n" + Eof),
        new("timestamp_in_the_future", true, "a point an hour ahead parses (and is not kept)", "a 1 {{T+3600}}\nb 2\n" + Eof),
        new("timestamp_twice", false, "one timestamp per sample", "a 1 {{T}} {{T}}\n" + Eof),
        new("timestamp_junk", false, "a timestamp is a number", "a 1 abc\n" + Eof),
        new("two_points", true, "two points of one series: the later is the series now", "a 1 {{T-2}}\na 2 {{T-1}}\n" + Eof),
        new("two_points_later_first", true, "the later point wins even when written first", "a 2 {{T-1}}\na 1 {{T-2}}\n" + Eof),
        new("two_points_then_scrape_time", true, "a point without timestamp is at scrape time, after an explicit one", "a 1 {{T-2}}\na 2\n" + Eof),
        new("two_points_same_timestamp", true, "a second point at the same time is dropped", "a 1 {{T-1}}\na 2 {{T-1}}\n" + Eof),
        new("repeated_series_label_order", true, "the same series with its labels in another order is a repeat", "a{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 2\n" + Eof),
        new("repeated_series_without_timestamps", true, "a repeat at the same time is dropped: the first stays", "a 1\na 2\n" + Eof),

        // --- values ---
        new("values_special", true, "NaN, +Inf, -Inf and Inf",
            "a{v=\"nan\"} NaN\na{v=\"pinf\"} +Inf\na{v=\"ninf\"} -Inf\na{v=\"inf\"} Inf\n" + Eof),
        new("values_special_spellings", true, "inf, infinity and nan in any case", "a{v=\"1\"} infinity\na{v=\"2\"} -inf\na{v=\"3\"} nan\na{v=\"4\"} +INF\n" + Eof),
        new("value_exponent", true, "exponents", "a 1e3\nb 1.5E-3\n" + Eof),
        new("value_leading_plus", true, "a leading +", "a +1\n" + Eof),
        new("value_dot_forms", true, ".5 and 5.", "a .5\nb 5.\n" + Eof),
        new("value_signed_zero_and_leading_zeros", true, "-0 and 007", "a -0\nb 007\n" + Eof),
        new("value_hex", false, "no hex", "a 0x1A\n" + Eof),
        new("value_hex_float", false, "no hex floats", "a 0x1p3\n" + Eof),
        new("value_underscore", false, "no digit separators", "a 1_000\n" + Eof),
        new("value_out_of_range", false, "a value must fit a float64", "a 1e400\n" + Eof),
        new("value_missing", false, "a sample has a value", "a\n" + Eof),
        new("value_word", false, "a value is a number", "a true\n" + Eof),

        // --- lines and whitespace ---
        new("blank_line", false, "OpenMetrics has no blank lines", "a 1\n\nb 2\n" + Eof),
        new("double_space_before_value", false, "single spaces only", "a  1\n" + Eof),
        new("tab_before_value", false, "spaces, not tabs", "a\t1\n" + Eof),
        new("trailing_space", false, "no blank at the end of a line", "a 1 \n" + Eof),
        new("leading_space", false, "no blank at the start of a line", " a 1\n" + Eof),
        new("crlf_line_endings", false, "lines end in LF only", "a 1\r\n# EOF\r\n"),
    ];
}
