using System.Globalization;
using System.Text.Json;
using FedFunctions.Core.Exposition.Protobuf;
using FedFunctions.TestSupport;
using Xunit.Abstractions;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// Native histograms end to end against the real Prometheus 2.42 (<c>--enable-feature=native-histograms</c>): a
/// loopback protobuf target (built with the generated types) is scraped by Prometheus A and by fed-functions, and
/// Prometheus B federates fed-functions' <c>/federate</c>. For each published target state, the histogram functions
/// over both query APIs must give the same answers for every series.
/// </summary>
public sealed class NativeHistogramInteropTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // client_golang's default zero threshold. Prometheus 2.42 only takes a histogram for native when it has
    // integer buckets, a zero count or a threshold above 0 (isNativeHistogram), so a float histogram, as
    // /federate writes them, must carry a threshold to reach B as native (as with 2.42 federating 2.42).
    private static readonly double DefaultThreshold = Math.ScaleB(1, -128);

    private const int BucketLimit = 8;

    // How often A, fed-functions and B scrape, each scrape allowed as long. The answers are compared while B and A go
    // on scraping, and a failed scrape marks a server's series stale at once: at 1 s, a loaded machine fails one now
    // and then (B's /federate keeps 0.5 s of the 1 s it is given for itself, leaving 0.5 s for its storage listing).
    private const string Interval = "5s";

    private static readonly double[] ClassicBounds = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private static readonly string[] Names =
        ["interop_latency_seconds", "interop_weights", "interop_zero_bucket", "interop_coarse_bytes", "interop_with_classic_seconds", "interop_queue_depth"];

    private static readonly string[] Functions =
    [
        "histogram_count({0})", "histogram_sum({0})", "histogram_quantile(0.5, {0})", "histogram_quantile(0.9, {0})",
        "histogram_quantile(0.99, {0})", "histogram_fraction(0, 0.25, {0})", "histogram_fraction(-1, 1, {0})",
    ];

    private AzuriteServer _azurite = null!;
    private ProtobufTarget _target = null!;
    private PrometheusServer _a = null!;
    private AppHost _app = null!;
    private PrometheusServer _b = null!;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        _target = await ProtobufTarget.StartAsync();
        _target.Publish(State(1));
        _a = await PrometheusServer.StartAsync($$"""
            global:
              scrape_interval: {{Interval}}
              scrape_timeout: {{Interval}}
            scrape_configs:
              - job_name: native
                static_configs:
                  - targets: ['{{_target.HostPort}}']
            """, "--enable-feature=native-histograms");
        // The same job name, so A's and B's series carry the same labels; classic parts kept beside native ones.
        _app = await AppHost.StartAsync($$"""
            scrape_configs:
              - job_name: native
                scrape_interval: {{Interval}}
                scrape_native_histograms: true
                always_scrape_classic_histograms: true
                static_configs:
                  - targets: ['{{_target.HostPort}}']
              # The same target under a bucket limit: fewer buckets, the same count and sum.
              - job_name: native_limited
                scrape_interval: {{Interval}}
                scrape_native_histograms: true
                native_histogram_bucket_limit: {{BucketLimit}}
                static_configs:
                  - targets: ['{{_target.HostPort}}']
            """, _azurite.ConnectionString);
        _b = await PrometheusServer.StartAsync($$"""
            global:
              scrape_interval: {{Interval}}
              scrape_timeout: {{Interval}}
            scrape_configs:
              - job_name: fed-functions
                honor_labels: true
                metrics_path: /federate
                params:
                  'match[]': ['{job=~"native|native_limited"}']
                static_configs:
                  - targets: ['{{_app.HostPort}}']
            """, "--enable-feature=native-histograms");
    }

    [Fact]
    public async Task PrometheusFederatingUsAnswersHistogramQueriesLikeThePrometheusThatScrapedTheTarget()
    {
        // Every series changes between the states, so a stale answer cannot pass for the new one.
        var first = ExpectedCounts(State(1));
        var second = ExpectedCounts(State(2));
        Assert.All(first, series => Assert.NotEqual(series.Value, second[series.Key]));

        for (var state = 1; state <= 2; state++)
        {
            var families = State(state);
            _target.Publish(families);
            var expectedCounts = ExpectedCounts(families);

            await WaitForCountsAsync(_a, "native", expectedCounts, $"state {state} in prometheus A");
            await ScrapeOnceAsync();
            await WaitForCountsAsync(_b, "native", expectedCounts, $"state {state} in prometheus B");
            await WaitForCountsAsync(_b, "native_limited", expectedCounts, $"state {state} of the limited job in prometheus B");

            foreach (var name in Names)
            {
                foreach (var function in Functions)
                {
                    var expression = string.Format(CultureInfo.InvariantCulture, function, name + "{job=\"native\"}");
                    var viaA = await ValuesAsync(_a, expression);
                    var viaB = await ValuesAsync(_b, expression);
                    Assert.True(viaA.Count > 0, $"{expression}: no answer from A");
                    Assert.Equal(viaA.Keys.Order(StringComparer.Ordinal), viaB.Keys.Order(StringComparer.Ordinal));
                    foreach (var (series, value) in viaA)
                    {
                        Assert.True(value == viaB[series], $"state {state}: {expression}{series}: A {value}, B {viaB[series]}");
                        output.WriteLine($"state {state} {expression}{series}: A {value} B {viaB[series]}");
                    }
                }
            }
            await AssertClassicPartsAsync(families);
            await AssertBucketLimitAsync();
        }

        // The gauge histogram keeps its type on the way to B.
        Assert.Equal(MetricType.GaugeHistogram, (await FederatedFamiliesAsync()).Single(f => f.Name == "interop_queue_depth").Type);

        // Both scrapers negotiated protobuf: nothing was refused, and each of them was served.
        Assert.Equal(0, _target.Refused);
        Assert.Contains(_target.UserAgents, agent => agent.StartsWith("Prometheus/2.42", StringComparison.Ordinal));
        Assert.Contains(_target.UserAgents, agent => agent.StartsWith("fed-functions/", StringComparison.Ordinal));
    }

    // Runs scrape cycles until one scrapes the target (the job is due once per interval slot) and checks it was up.
    private async Task ScrapeOnceAsync()
    {
        var log = await Poll.UntilAsync(async () =>
        {
            var (status, body) = await _app.TriggerScrapeAsync();
            Assert.True(status == 200, body);
            using var summary = JsonDocument.Parse(body);
            return summary.RootElement.GetProperty("targetsScraped").GetInt32() >= 2 ? body : null;
        }, Patience, "fed-functions to scrape the target");
        using var scraped = JsonDocument.Parse(log);
        Assert.True(scraped.RootElement.GetProperty("targetsDown").GetInt32() == 0, log);
    }

    // The histogram with classic buckets too. fed-functions (always_scrape_classic_histograms) keeps both parts;
    // /federate sends the native part alone in the HISTOGRAM message and the classic series untyped by series name,
    // as Prometheus' /federate does. A (2.42) ingests the target's combined message as native only; B, federating
    // us, stores the native histogram and the classic series with the target's values. Text clients get the
    // classic series too.
    private async Task AssertClassicPartsAsync(IReadOnlyList<MetricFamily> families)
    {
        const string name = "interop_with_classic_seconds";
        var exposed = families.Single(f => f.Name == name).Metric.Single().Histogram;
        var labels = $"instance=\"{_target.HostPort}\",job=\"native\"";

        var federated = await FederatedFamiliesAsync();
        var message = federated.Single(f => f.Name == name);
        Assert.Equal(MetricType.Histogram, message.Type);
        Assert.Empty(message.Metric.Single().Histogram.Bucket);
        Assert.Equal(exposed.Schema, message.Metric.Single().Histogram.Schema);
        var buckets = federated.Single(f => f.Name == name + "_bucket");
        Assert.Equal(MetricType.Untyped, buckets.Type);
        Assert.Equal(exposed.Bucket.Count + 1, buckets.Metric.Count);

        var text = ExpositionText.Samples(await _app.FederateTextAsync("{job=\"native\"}"));
        var fromB = await ValuesAsync(_b, $"{name}_bucket{{job=\"native\"}}");
        foreach (var (bound, cumulative) in exposed.Bucket.Select(b => (b.UpperBound, (double)b.CumulativeCount)).Append((double.PositiveInfinity, (double)exposed.SampleCount)))
        {
            var le = double.IsPositiveInfinity(bound) ? "+Inf" : FormatBound(bound);
            var key = $"{name}_bucket{{{labels},le=\"{le}\"}}";
            Assert.True(text.TryGetValue(key, out var value), $"{key} missing: {string.Join(", ", text.Keys)}");
            Assert.Equal(cumulative, double.Parse(value, CultureInfo.InvariantCulture));
            var inB = fromB.Where(kv => kv.Key.Contains($"le=\"{le}\"", StringComparison.Ordinal)).Select(kv => kv.Value).ToList();
            Assert.True(inB.Count == 1, $"B has {inB.Count} {name}_bucket series with le=\"{le}\": {string.Join(", ", fromB.Keys)}");
            Assert.Equal(cumulative, double.Parse(inB[0], CultureInfo.InvariantCulture));
        }
        Assert.Equal((double)exposed.SampleCount, double.Parse(text[$"{name}_count{{{labels}}}"], CultureInfo.InvariantCulture));

        Assert.Equal(0, (await _a.QueryAsync(name + "_bucket")).GetArrayLength());
        foreach (var server in new[] { _a, _b })
            Assert.Equal(1, (await server.QueryAsync(name + "{job=\"native\"}")).GetArrayLength());
    }

    private async Task<List<MetricFamily>> FederatedFamiliesAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/federate?match[]=" + Uri.EscapeDataString("{job=\"native\"}"));
        request.Headers.TryAddWithoutValidation("Accept", FederateProtobufTests.NativeHistogramsAccept);
        using var response = await _app.Http.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var families = new List<MetricFamily>();
        for (var i = 0; i < 1000 && stream.Position < stream.Length; i++) families.Add(MetricFamily.Parser.ParseDelimitedFrom(stream));
        return families;
    }

    // As Prometheus 3 renders le (FormatOpenMetricsFloat): integral bounds get ".0".
    private static string FormatBound(double bound) =>
        bound == Math.Floor(bound) ? bound.ToString("0.0", CultureInfo.InvariantCulture) : bound.ToString("R", CultureInfo.InvariantCulture);

    // Each histogram's name and labels (as a selector's inside, job aside) with its count.
    private static Dictionary<(string Name, string Labels), double> ExpectedCounts(IReadOnlyList<MetricFamily> families)
    {
        var counts = new Dictionary<(string, string), double>();
        foreach (var family in families)
        {
            foreach (var metric in family.Metric)
            {
                var h = metric.Histogram;
                var labels = string.Concat(metric.Label.Select(l => $",{l.Name}=\"{l.Value}\""));
                counts[(family.Name, labels)] = h.SampleCountFloat > 0 ? h.SampleCountFloat : h.SampleCount;
            }
        }
        return counts;
    }

    // The limited job's histograms in B: at most BucketLimit buckets (the API lists the populated ones, the zero
    // bucket apart), the same count and sum as A's, and at least one of A's has more, so the limit did something.
    private async Task AssertBucketLimitAsync()
    {
        var mostInA = 0;
        foreach (var name in Names)
        {
            var a = await RawHistogramsAsync(_a, name + "{job=\"native\"}");
            var b = await RawHistogramsAsync(_b, name + "{job=\"native_limited\"}");
            Assert.Equal(a.Keys.Order(StringComparer.Ordinal), b.Keys.Order(StringComparer.Ordinal));
            foreach (var (series, limited) in b)
            {
                var full = a[series];
                Assert.Equal(full.GetProperty("count").GetString(), limited.GetProperty("count").GetString());
                Assert.Equal(full.GetProperty("sum").GetString(), limited.GetProperty("sum").GetString());
                var buckets = NonZeroBuckets(limited);
                Assert.True(buckets <= BucketLimit, $"{name}{series}: {buckets} buckets in B over the limit {BucketLimit}");
                mostInA = Math.Max(mostInA, NonZeroBuckets(full));
                output.WriteLine($"{name}{series}: {NonZeroBuckets(full)} buckets in A, {buckets} in B's limited job");
            }
        }
        Assert.True(mostInA > BucketLimit, $"no histogram has more than {BucketLimit} buckets in A");
    }

    // Series (labels without job) to the "histogram" object of an instant query's raw answer.
    private static async Task<Dictionary<string, JsonElement>> RawHistogramsAsync(PrometheusServer server, string selector)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var series in (await server.QueryAsync(selector)).EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject().Where(p => p.Name is not ("__name__" or "job"))
                .Select(p => $"{p.Name}=\"{p.Value.GetString()}\"");
            result.Add("{" + string.Join(",", labels) + "}", series.GetProperty("histogram")[1]);
        }
        return result;
    }

    // Buckets [rule, lower, upper, count] other than the zero bucket (the one whose bounds enclose 0).
    private static int NonZeroBuckets(JsonElement histogram) =>
        histogram.TryGetProperty("buckets", out var buckets)
            ? buckets.EnumerateArray().Count(b => !(double.Parse(b[1].GetString()!, CultureInfo.InvariantCulture) <= 0 && double.Parse(b[2].GetString()!, CultureInfo.InvariantCulture) >= 0))
            : 0;

    // Waits until every histogram of the state has its count in the server (the state's sample is the latest).
    private static Task<string> WaitForCountsAsync(PrometheusServer server, string job, Dictionary<(string Name, string Labels), double> expected, string what) =>
        Poll.UntilAsync(async () =>
        {
            foreach (var ((name, labels), count) in expected)
            {
                var result = await server.QueryAsync($"histogram_count({name}{{job=\"{job}\"{labels}}})");
                if (result.GetArrayLength() != 1) return null;
                if (double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture) != count) return null;
            }
            return "ok";
        }, Patience, what);

    // Result series (labels in Prometheus' order) to the value as the API prints it.
    private static async Task<Dictionary<string, string>> ValuesAsync(PrometheusServer server, string expression)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var series in (await server.QueryAsync(expression)).EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject().Where(p => p.Name != "__name__")
                .Select(p => $"{p.Name}=\"{p.Value.GetString()}\"");
            values.Add("{" + string.Join(",", labels) + "}", series.GetProperty("value")[1].GetString()!);
        }
        return values;
    }

    /// <summary>
    /// The target's families in one state: integer and float histograms, schemas from -2 to 3, positive and
    /// negative buckets with gaps, a zero bucket with a wide threshold, one with classic buckets too, and a gauge
    /// histogram. A later state has more observations (the gauge histogram fewer), so every series changes.
    /// </summary>
    private static List<MetricFamily> State(int state)
    {
        var random = new Random(state);
        var more = 40 * state;
        // Two clusters far apart: the spans have a gap between them.
        var fastA = Draw(random, 100 + more, 0.002, 0.08).Concat(Draw(random, 20 + state, 2, 6)).ToList();
        var fastB = Draw(random, 60 + more, 0.01, 0.3).Concat(Draw(random, 5 + state, 20, 40)).ToList();
        // Signed values over six decades with holes on both sides.
        var weights = Draw(random, 80 + more, 0.001, 0.01).Concat(Draw(random, 50, 10, 1000))
            .Concat(Draw(random, 30 + state, 0.5, 2).Select(v => -v)).Concat(Draw(random, 10, 100, 300).Select(v => -v)).ToList();
        // Many values within ±2^-7 of zero, the rest in two signed groups.
        var nearZero = Draw(random, 70 + more, -0.007, 0.007).Concat(Draw(random, 30, 0.1, 0.4)).Concat(Draw(random, 25 + state, -8, -3)).ToList();
        var sizes = Draw(random, 90 + more, 100, 1e5).Concat(Draw(random, 4, 1e7, 1e8)).ToList();
        var requests = Draw(random, 150 + more, 0.01, 3).Concat(Draw(random, 7 + state, 8, 12)).ToList();
        var queue = Draw(random, 300 - 100 * state, 1, 500).Select(Math.Floor).ToList();

        return
        [
            Family("interop_latency_seconds", MetricType.Histogram,
                Metric(NativeHistogramObservations.Build(fastA, schema: 3, DefaultThreshold), ("path", "/a")),
                Metric(NativeHistogramObservations.Build(fastB, schema: 3, DefaultThreshold), ("path", "/b"))),
            Family("interop_weights", MetricType.Histogram, Metric(NativeHistogramObservations.Build(weights, schema: 0, DefaultThreshold, weight: 0.25))),
            Family("interop_zero_bucket", MetricType.Histogram, Metric(NativeHistogramObservations.Build(nearZero, schema: 1, zeroThreshold: Math.ScaleB(1, -7)))),
            Family("interop_coarse_bytes", MetricType.Histogram, Metric(NativeHistogramObservations.Build(sizes, schema: -2, DefaultThreshold))),
            Family("interop_with_classic_seconds", MetricType.Histogram,
                Metric(NativeHistogramObservations.Build(requests, schema: 2, DefaultThreshold, classicBounds: ClassicBounds))),
            Family("interop_queue_depth", MetricType.GaugeHistogram, Metric(NativeHistogramObservations.Build(queue, schema: 0, DefaultThreshold))),
        ];
    }

    private static List<double> Draw(Random random, int count, double from, double to) =>
        Enumerable.Range(0, count).Select(_ => from + random.NextDouble() * (to - from)).ToList();

    private static MetricFamily Family(string name, MetricType type, params Metric[] metrics)
    {
        var family = new MetricFamily { Name = name, Help = "Interop test histogram " + name + ".", Type = type };
        family.Metric.AddRange(metrics);
        return family;
    }

    private static Metric Metric(Histogram histogram, params (string Name, string Value)[] labels)
    {
        var metric = new Metric { Histogram = histogram };
        foreach (var (name, value) in labels) metric.Label.Add(new LabelPair { Name = name, Value = value });
        return metric;
    }

    public async Task DisposeAsync()
    {
        if (_b is not null) await _b.DisposeAsync();
        if (_app is not null) await _app.DisposeAsync();
        if (_a is not null) await _a.DisposeAsync();
        if (_target is not null) await _target.DisposeAsync();
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}
