using System.Buffers;
using System.Text;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;
using FedFunctions.Core.Tests.Snapshots;

namespace FedFunctions.Core.Tests.Writing;

public class PrometheusTextWriterTests
{
    private static readonly string[] Suffixes = ["_bucket", "_sum", "_count"];

    private static readonly ExternalLabels NoExternal = ExternalLabels.None;

    // Federation's instance="": external labels may carry empty values, unlike Labels.
    private static readonly ExternalLabels FederationExternal = ExternalLabels.Create([new Label("zone", "eu"), new Label("instance", "")]);

    private static Sample S(double value, long? timestamp, params string[] labels) => new(Labels.Of(labels), value, timestamp);

    private static string Write(MetricFamily family, ExternalLabels external)
    {
        var buffer = new ArrayBufferWriter<byte>(16);
        PrometheusTextWriter.WriteFamily(buffer, family, external);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void CounterWithHelpAndTimestamps()
    {
        var family = new MetricFamily("http_requests_total", MetricType.Counter, "The total number of HTTP requests.", "",
        [
            S(1027, 1395066363000, "__name__", "http_requests_total", "method", "post", "code", "200"),
            S(3, null, "__name__", "http_requests_total", "method", "post", "code", "400"),
        ]);
        Assert.Equal(
            "# HELP http_requests_total The total number of HTTP requests.\n" +
            "# TYPE http_requests_total counter\n" +
            "http_requests_total{code=\"200\",method=\"post\"} 1027 1395066363000\n" +
            "http_requests_total{code=\"400\",method=\"post\"} 3\n",
            Write(family, NoExternal));
    }

    [Theory]
    [InlineData(MetricType.Counter, "counter")]
    [InlineData(MetricType.Gauge, "gauge")]
    [InlineData(MetricType.Unknown, "untyped")]
    [InlineData(MetricType.Histogram, "histogram")]
    [InlineData(MetricType.GaugeHistogram, "untyped")]
    [InlineData(MetricType.Summary, "summary")]
    [InlineData(MetricType.Info, "gauge")]
    [InlineData(MetricType.StateSet, "gauge")]
    public void TypeLineWithoutHelp(MetricType type, string expected)
    {
        var family = new MetricFamily("m", type, "", "", [S(1, null, "__name__", "m")]);
        Assert.Equal($"# TYPE m {expected}\nm 1\n", Write(family, NoExternal));
    }

    [Fact]
    public void HistogramPutsLeLastAfterExternalLabels()
    {
        var family = new MetricFamily("rpc_seconds", MetricType.Histogram, "", "",
        [
            S(24054, 1000, "__name__", "rpc_seconds_bucket", "le", "0.05", "service", "a"),
            S(144320, 1000, "__name__", "rpc_seconds_bucket", "le", "+Inf", "service", "a"),
            S(53423, 1000, "__name__", "rpc_seconds_sum", "service", "a"),
            S(144320, 1000, "__name__", "rpc_seconds_count", "service", "a"),
        ]);
        Assert.Equal(
            "# TYPE rpc_seconds histogram\n" +
            "rpc_seconds_bucket{service=\"a\",instance=\"\",zone=\"eu\",le=\"0.05\"} 24054 1000\n" +
            "rpc_seconds_bucket{service=\"a\",instance=\"\",zone=\"eu\",le=\"+Inf\"} 144320 1000\n" +
            "rpc_seconds_sum{service=\"a\",instance=\"\",zone=\"eu\"} 53423 1000\n" +
            "rpc_seconds_count{service=\"a\",instance=\"\",zone=\"eu\"} 144320 1000\n",
            Write(family, FederationExternal));
    }

    [Fact]
    public void GaugeHistogramAlsoMovesLe()
    {
        var family = new MetricFamily("q", MetricType.GaugeHistogram, "", "", [S(2, null, "__name__", "q_bucket", "a", "x", "le", "1")]);
        Assert.Equal("# TYPE q untyped\nq_bucket{a=\"x\",le=\"1\"} 2\n", Write(family, NoExternal));
    }

    [Fact]
    public void LeIsOrdinaryOutsideHistogramBuckets()
    {
        // A gauge with an "le" label, and a histogram _sum carrying one, keep it in sorted position.
        var gauge = new MetricFamily("g", MetricType.Gauge, "", "", [S(1, null, "__name__", "g", "le", "1", "z", "2")]);
        Assert.Equal("# TYPE g gauge\ng{le=\"1\",z=\"2\"} 1\n", Write(gauge, NoExternal));
        var histogram = new MetricFamily("h", MetricType.Histogram, "", "", [S(1, null, "__name__", "h_sum", "le", "1", "z", "2")]);
        Assert.Equal("# TYPE h histogram\nh_sum{le=\"1\",z=\"2\"} 1\n", Write(histogram, NoExternal));
    }

    [Fact]
    public void SummaryPutsQuantileLast()
    {
        var family = new MetricFamily("go_gc_duration_seconds", MetricType.Summary, "A summary of GC pauses.", "",
        [
            S(3.2541e-05, 5, "__name__", "go_gc_duration_seconds", "quantile", "0", "job", "node"),
            S(0.000102665, 5, "__name__", "go_gc_duration_seconds", "quantile", "0.5", "job", "node"),
            S(0.0010487, 5, "__name__", "go_gc_duration_seconds_sum", "job", "node"),
            S(7, 5, "__name__", "go_gc_duration_seconds_count", "job", "node"),
        ]);
        Assert.Equal(
            "# HELP go_gc_duration_seconds A summary of GC pauses.\n" +
            "# TYPE go_gc_duration_seconds summary\n" +
            "go_gc_duration_seconds{job=\"node\",instance=\"\",zone=\"eu\",quantile=\"0\"} 3.2541e-05 5\n" +
            "go_gc_duration_seconds{job=\"node\",instance=\"\",zone=\"eu\",quantile=\"0.5\"} 0.000102665 5\n" +
            "go_gc_duration_seconds_sum{job=\"node\",instance=\"\",zone=\"eu\"} 0.0010487 5\n" +
            "go_gc_duration_seconds_count{job=\"node\",instance=\"\",zone=\"eu\"} 7 5\n",
            Write(family, FederationExternal));
    }

    public static TheoryData<string[], string> ExternalCases => new()
    {
        // Sample lacks both externals: both appended after its own labels, in name order.
        { ["__name__", "m", "a", "1"], "m{a=\"1\",instance=\"\",zone=\"eu\"} 1\n" },
        // Sample has its own zone: kept (in its sorted place), the external zone is not added.
        { ["__name__", "m", "zone", "us", "a", "1"], "m{a=\"1\",zone=\"us\",instance=\"\"} 1\n" },
        // Sample has an instance: instance="" is not added.
        { ["__name__", "m", "instance", "host:9100"], "m{instance=\"host:9100\",zone=\"eu\"} 1\n" },
        // Sample has both.
        { ["__name__", "m", "instance", "i", "zone", "z"], "m{instance=\"i\",zone=\"z\"} 1\n" },
        // No labels of its own.
        { ["__name__", "m"], "m{instance=\"\",zone=\"eu\"} 1\n" },
        // Labels sorting before and after the externals.
        { ["__name__", "m", "a", "1", "j", "2", "zz", "3"], "m{a=\"1\",j=\"2\",zz=\"3\",instance=\"\",zone=\"eu\"} 1\n" },
    };

    [Theory]
    [MemberData(nameof(ExternalCases))]
    public void ExternalLabelsAreAddedOnlyWhenAbsent(string[] labels, string expectedLine)
    {
        var family = new MetricFamily("m", MetricType.Unknown, "", "", [S(1, null, labels)]);
        Assert.Equal("# TYPE m untyped\n" + expectedLine, Write(family, FederationExternal));
    }

    [Fact]
    public void NoLabelsMeansNoBraces()
    {
        var family = new MetricFamily("up", MetricType.Gauge, "", "", [S(1, 1700000000000, "__name__", "up")]);
        Assert.Equal("# TYPE up gauge\nup 1 1700000000000\n", Write(family, NoExternal));
    }

    [Theory]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("line1\nline2", "line1\\nline2")]
    [InlineData("say \"hi\"", "say \\\"hi\\\"")]
    [InlineData("ünïcödé ✓ 😀", "ünïcödé ✓ 😀")]
    [InlineData("\\n literal", "\\\\n literal")]
    [InlineData("tab\there", "tab\there")]
    public void LabelValuesAreEscaped(string value, string expected)
    {
        var family = new MetricFamily("m", MetricType.Gauge, "", "", [S(1, null, "__name__", "m", "v", value)]);
        Assert.Equal($"# TYPE m gauge\nm{{v=\"{expected}\"}} 1\n", Write(family, NoExternal));
    }

    [Theory]
    [InlineData("back\\slash", "back\\\\slash")]
    [InlineData("two\nlines", "two\\nlines")]
    [InlineData("quotes \"stay\"", "quotes \"stay\"")]
    [InlineData("ünïcödé", "ünïcödé")]
    public void HelpEscapesOnlyBackslashAndNewline(string help, string expected)
    {
        var family = new MetricFamily("m", MetricType.Gauge, help, "", [S(1, null, "__name__", "m")]);
        Assert.Equal($"# HELP m {expected}\n# TYPE m gauge\nm 1\n", Write(family, NoExternal));
    }

    [Fact]
    public void ExternalLabelValuesAreEscaped()
    {
        var family = new MetricFamily("m", MetricType.Gauge, "", "", [S(1, null, "__name__", "m")]);
        Assert.Equal("# TYPE m gauge\nm{e=\"a\\\"b\\\\c\\nd\"} 1\n", Write(family, ExternalLabels.Create(Labels.Of("e", "a\"b\\c\nd"))));
    }

    public static TheoryData<string, string[], string> QuotedNameCases => new()
    {
        { "my.metric", ["__name__", "my.metric", "a", "b"], "# TYPE \"my.metric\" gauge\n{\"my.metric\",a=\"b\"} 1 123\n" },
        { "my.metric", ["__name__", "my.metric"], "# TYPE \"my.metric\" gauge\n{\"my.metric\"} 1 123\n" },
        { "m", ["__name__", "m", "a.b", "c"], "# TYPE m gauge\nm{\"a.b\"=\"c\"} 1 123\n" },
        { "m", ["__name__", "m", "1st", "c"], "# TYPE m gauge\nm{\"1st\"=\"c\"} 1 123\n" },
        // ':' is fine in metric names but not in label names.
        { "job:rate:5m", ["__name__", "job:rate:5m", "a:b", "c"], "# TYPE job:rate:5m gauge\njob:rate:5m{\"a:b\"=\"c\"} 1 123\n" },
        { "1m", ["__name__", "1m"], "# TYPE \"1m\" gauge\n{\"1m\"} 1 123\n" },
        { "we\"ird", ["__name__", "we\"ird", "ü", "x"], "# TYPE \"we\\\"ird\" gauge\n{\"we\\\"ird\",\"ü\"=\"x\"} 1 123\n" },
        { "_ok", ["__name__", "_ok", "_x", "y"], "# TYPE _ok gauge\n_ok{_x=\"y\"} 1 123\n" },
    };

    [Theory]
    [MemberData(nameof(QuotedNameCases))]
    public void NonLegacyNamesAreQuoted(string familyName, string[] labels, string expected)
    {
        var family = new MetricFamily(familyName, MetricType.Gauge, "", "", [S(1, 123, labels)]);
        Assert.Equal(expected, Write(family, NoExternal));
    }

    [Fact]
    public void QuotedMetricNameWithExternalLabel()
    {
        var family = new MetricFamily("my.metric", MetricType.Gauge, "", "", [S(1, null, "__name__", "my.metric")]);
        Assert.Equal("# TYPE \"my.metric\" gauge\n{\"my.metric\",instance=\"\",zone=\"eu\"} 1\n", Write(family, FederationExternal));
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(-0.0, "0")]
    [InlineData(1e6, "1e+06")]
    [InlineData(0.1, "0.1")]
    public void ValuesUseGoFormatting(double value, string expected)
    {
        var family = new MetricFamily("m", MetricType.Gauge, "", "", [S(value, -5, "__name__", "m")]);
        Assert.Equal($"# TYPE m gauge\nm {expected} -5\n", Write(family, NoExternal));
    }

    [Fact]
    public void StaleMarkerIsWrittenAsNaN()
    {
        var family = new MetricFamily("m", MetricType.Gauge, "", "", [new Sample(Labels.Of("__name__", "m"), StaleNaN.Value, long.MaxValue)]);
        Assert.Equal($"# TYPE m gauge\nm NaN {long.MaxValue}\n", Write(family, NoExternal));
    }

    [Fact]
    public void WriteFamiliesConcatenatesWithoutBlankLines()
    {
        var families = new[]
        {
            new MetricFamily("a", MetricType.Counter, "A.", "", [S(1, 10, "__name__", "a")]),
            new MetricFamily("b", MetricType.Gauge, "", "", [S(2, 10, "__name__", "b", "x", "y"), S(3, 10, "__name__", "b", "x", "z")]),
        };
        var buffer = new ArrayBufferWriter<byte>();
        PrometheusTextWriter.WriteFamilies(buffer, families, ExternalLabels.Create(Labels.Of("r", "1")));
        Assert.Equal(
            "# HELP a A.\n# TYPE a counter\na{r=\"1\"} 1 10\n" +
            "# TYPE b gauge\nb{x=\"y\",r=\"1\"} 2 10\nb{x=\"z\",r=\"1\"} 3 10\n",
            Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void HugeLabelValuesFitTheRequestedSpan()
    {
        var value = new string('"', 300_000) + new string('é', 300_000);
        var family = new MetricFamily("m", MetricType.Gauge, new string('\\', 100_000), "", [S(1, null, "__name__", "m", "v", value)]);
        var text = Write(family, NoExternal);
        Assert.Equal($"# HELP m {new string('\\', 200_000)}\n# TYPE m gauge\nm{{v=\"{value.Replace("\"", "\\\"")}\"}} 1\n", text);
    }

    [Fact]
    public void ManyExternalLabels()
    {
        var external = ExternalLabels.Create(Enumerable.Range(0, 70).Select(i => new Label($"e{i:D2}", "v")));
        var family = new MetricFamily("m", MetricType.Gauge, "", "", [S(1, null, "__name__", "m", "e05", "own", "e66", "own")]);
        var line = Write(family, external).Split('\n')[1];
        Assert.Contains("e05=\"own\"", line);
        Assert.Contains("e66=\"own\"", line);
        Assert.Equal(70, line.Split(',').Length);
        Assert.DoesNotContain("e66=\"v\"", line);
    }

    [Fact]
    public void NamelessSampleIsRejected()
    {
        var family = new MetricFamily("m", MetricType.Gauge, "", "", [S(1, null, "a", "b")]);
        var error = Assert.Throws<ArgumentException>(() => Write(family, NoExternal));
        Assert.Contains("__name__", error.Message);
    }

    [Theory]
    [InlineData("node_exporter-1.5.0.txt")]
    [InlineData("prometheus-2.42-self.txt")]
    public void ReproducesClientGolangOutputExactly(string fixture)
    {
        // The fixtures were written by Go's expfmt text writer: regrouping their samples into families and
        // writing them again must give back the very same bytes (HELP escapes, label order, float layout).
        var text = File.ReadAllText(Path.Combine(FedFunctions.TestSupport.RepoPaths.Fixtures, fixture));
        var parsed = ExpositionParser.Parse(Encoding.UTF8.GetBytes(text), ExpositionFormat.PrometheusText);
        var snapshot = new TargetSnapshot { TargetLabels = Labels.Empty, ScrapeTimestampMs = 0, Up = true, Metadata = parsed.Metadata, Samples = parsed.Samples };
        var families = new List<MetricFamily>();
        var metadata = snapshot.Metadata.ToDictionary(m => m.Name, StringComparer.Ordinal);
        List<Sample>? current = null;
        string? currentName = null;
        foreach (var sample in snapshot.Samples)
        {
            var name = sample.Labels.MetricName;
            var familyName = metadata.ContainsKey(name) ? name
                : Suffixes.Where(s => name.EndsWith(s, StringComparison.Ordinal)).Select(s => name[..^s.Length]).First(metadata.ContainsKey);
            if (familyName != currentName)
            {
                var m = metadata[familyName];
                current = [];
                families.Add(new MetricFamily(m.Name, m.Type, m.Help, m.Unit, current));
                currentName = familyName;
            }
            current!.Add(sample);
        }
        var buffer = new ArrayBufferWriter<byte>();
        PrometheusTextWriter.WriteFamilies(buffer, families, NoExternal);
        // Empty label values mean "unset" in the model, so the expected text drops them (node_disk_info has some).
        var expected = System.Text.RegularExpressions.Regex.Replace(text, "(?<=[{,])[a-zA-Z_][a-zA-Z0-9_]*=\"\",?", "").Replace(",}", "}").Replace("{}", "");
        // Prometheus 3 normalises le and quantile at parse time: integral bounds gain ".0" (quantile="1" is "1.0").
        expected = System.Text.RegularExpressions.Regex.Replace(expected, "(?<=(le|quantile)=\")(-?[0-9]+)(?=\")", "$2.0");
        Assert.Equal(expected, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
