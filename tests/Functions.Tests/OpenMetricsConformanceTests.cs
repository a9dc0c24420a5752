using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FedFunctions.TestSupport;
using Xunit.Abstractions;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// OpenMetricsConformanceFixture serves every <see cref="OpenMetricsCases"/> body as its own live target
/// (<c>/cases/NAME</c>, OpenMetrics Content-Type) and lets the real Prometheus 2.42 and fed-functions (on Azurite)
/// scrape them all as one job, one target per case, told apart by a <c>case</c> label. It waits for one scrape
/// round on both sides and keeps what each answers: <c>up</c>, the stored series and the targets' last errors.
/// </summary>
public sealed partial class OpenMetricsConformanceFixture : IAsyncLifetime
{
    private const string ContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private AzuriteServer? _azurite;
    private TargetServer? _targets;
    private PrometheusServer? _prometheus;
    private AppHost? _app;

    /// <summary>Per side: case name to <c>up</c>, to last error, and to its series (canonical text to value text).</summary>
    public Side Prometheus { get; private set; } = null!;

    /// <inheritdoc cref="Prometheus"/>
    public Side Ours { get; private set; } = null!;

    public sealed record Side(
        IReadOnlyDictionary<string, string> Up,
        IReadOnlyDictionary<string, string> LastError,
        IReadOnlyDictionary<string, Dictionary<string, string>> Series);

    private static string Config(string target)
    {
        // Each case's up is compared: a scrape that fails for want of time (a loaded machine is slow to answer one of
        // the many targets at once) would read as a refusal, so each scrape may take its whole interval.
        var yaml = new StringBuilder("""
            global:
              scrape_interval: 5s
              scrape_timeout: 5s
            scrape_configs:
              - job_name: om
                static_configs:

            """);
        foreach (var c in OpenMetricsCases.All)
            yaml.Append($"      - targets: ['{target}']\n        labels: {{case: {c.Name}, __metrics_path__: /cases/{c.Name}}}\n");
        return yaml.ToString();
    }

    public async Task InitializeAsync()
    {
        // Explicit timestamps a few seconds in the past: recent enough for both sides to keep and serve them.
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5;
        _targets = await TargetServer.StartAsync();
        foreach (var c in OpenMetricsCases.All) _targets.Serve("/cases/" + c.Name, new TargetResponse(c.Render(now), ContentType));

        var config = Config(_targets.HostPort);
        var azurite = AzuriteServer.StartAsync();
        _prometheus = await PrometheusServer.StartAsync(config);
        _azurite = await azurite;
        // Inline runs (no fan-out): one POST /-/scrape then scrapes every case before it answers.
        _app = await AppHost.StartAsync(config, _azurite.ConnectionString, new Dictionary<string, string> { ["Federation__ShardSize"] = "0" });
        var (status, body) = await _app.TriggerScrapeAsync();
        if (status != 200) throw new InvalidOperationException($"scrape run answered {status}: {body}");

        // One round: every target scraped once by Prometheus (its first scrapes are spread over the 5 s interval).
        var count = OpenMetricsCases.All.Count;
        await Poll.UntilAsync(async () =>
        {
            using var doc = JsonDocument.Parse(await _prometheus.Http.GetStringAsync("/api/v1/targets"));
            var active = doc.RootElement.GetProperty("data").GetProperty("activeTargets");
            return active.GetArrayLength() == count && active.EnumerateArray().All(t => t.GetProperty("health").GetString() != "unknown") ? "all" : null;
        }, TimeSpan.FromSeconds(30), $"prometheus to scrape all {count} cases");
        await Poll.UntilAsync(async () => (await _prometheus.QueryAsync("up{job=\"om\"}")).GetArrayLength() == count ? "up" : null,
            TimeSpan.FromSeconds(10), "up of every case in prometheus");

        const string job = "{job=\"om\"}";
        Prometheus = new Side(
            await UpFromQueryAsync(_prometheus),
            LastErrors(await _prometheus.Http.GetStringAsync("/api/v1/targets")),
            SeriesByCase(await _prometheus.FederateAsync(job)));
        Ours = new Side(
            UpFromFederate(await _app.FederateTextAsync("up" + job)),
            LastErrors(await _app.Http.GetStringAsync("/api/v1/targets")),
            SeriesByCase(await _app.FederateTextAsync(job)));
    }

    private static async Task<Dictionary<string, string>> UpFromQueryAsync(PrometheusServer prometheus) =>
        (await prometheus.QueryAsync("up{job=\"om\"}")).EnumerateArray().ToDictionary(
            s => s.GetProperty("metric").GetProperty("case").GetString()!,
            s => s.GetProperty("value")[1].GetString()!, StringComparer.Ordinal);

    private static Dictionary<string, string> UpFromFederate(string body) =>
        ExpositionText.Samples(body).ToDictionary(kv => CaseOf(kv.Key), kv => kv.Value, StringComparer.Ordinal);

    private static Dictionary<string, string> LastErrors(string targetsJson)
    {
        using var doc = JsonDocument.Parse(targetsJson);
        return doc.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().ToDictionary(
            t => t.GetProperty("labels").GetProperty("case").GetString()!,
            t => t.GetProperty("lastError").GetString()!, StringComparer.Ordinal);
    }

    /// <summary>The scraped series of each case (the report series <c>up</c>/<c>scrape_*</c> aside), canonical text to value.</summary>
    private static Dictionary<string, Dictionary<string, string>> SeriesByCase(string federateBody)
    {
        var result = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (series, value) in ExpositionText.Samples(federateBody))
        {
            var name = series.Split('{')[0];
            if (name == "up" || name.StartsWith("scrape_", StringComparison.Ordinal)) continue;
            var caseName = CaseOf(series);
            if (!result.TryGetValue(caseName, out var samples)) result[caseName] = samples = new Dictionary<string, string>(StringComparer.Ordinal);
            samples.Add(ExpositionText.Canonical(series), value);
        }
        return result;
    }

    private static string CaseOf(string series) => CaseLabel().Match(series) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no case label: " + series);

    [GeneratedRegex("""[{,]case="([a-z0-9_]+)"[,}]""")]
    private static partial Regex CaseLabel();

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        if (_prometheus is not null) await _prometheus.DisposeAsync();
        if (_targets is not null) await _targets.DisposeAsync();
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}

/// <summary>
/// The OpenMetrics case set as live targets side by side with Prometheus 2.42: the same <c>up</c> for every case,
/// the same series for every accepted one, a reason for every refused one, and the deliberate differences listed.
/// </summary>
public sealed partial class OpenMetricsConformanceTests(OpenMetricsConformanceFixture fixture, ITestOutputHelper output) : IClassFixture<OpenMetricsConformanceFixture>
{
    /// <summary>Where fed-functions deliberately differs from Prometheus 2.42 (each case says why in its Deviation).</summary>
    private static readonly string[] DeliberateDifferences = ["metadata_quoted_name", "labels_quoted_name", "metric_name_quoted"];

    [Fact]
    public void TheCaseSetIsLargeEnoughAndCoversBothVerdicts()
    {
        var cases = OpenMetricsCases.All;
        Assert.True(cases.Count >= 50, $"only {cases.Count} cases");
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(cases, c => c.PrometheusUp);
        Assert.Contains(cases, c => !c.PrometheusUp);
        output.WriteLine($"{cases.Count} cases: Prometheus 2.42 accepts {cases.Count(c => c.PrometheusUp)}, refuses {cases.Count(c => !c.PrometheusUp)}; " +
                         $"fed-functions accepts {cases.Count(c => c.OursUp)}, refuses {cases.Count(c => !c.OursUp)}");
    }

    [Fact]
    public void EveryCaseHasTheUpPrometheusHasExceptTheListedDifferences()
    {
        var wrong = new List<string>();
        foreach (var c in OpenMetricsCases.All)
        {
            var theirs = fixture.Prometheus.Up.GetValueOrDefault(c.Name, "missing");
            var ours = fixture.Ours.Up.GetValueOrDefault(c.Name, "missing");
            output.WriteLine($"{c.Name,-40} prometheus up={theirs} fed-functions up={ours}{(c.Deviation is null ? "" : "  (deliberate: " + c.Deviation.Why + ")")}");
            // The table's verdict for Prometheus is checked too, so it documents what 2.42 really does.
            if (theirs != Up(c.PrometheusUp)) wrong.Add($"{c.Name}: prometheus up={theirs}, the table says {Up(c.PrometheusUp)} ({c.Rule}); error: {fixture.Prometheus.LastError.GetValueOrDefault(c.Name)}");
            if (ours != Up(c.OursUp)) wrong.Add($"{c.Name}: fed-functions up={ours}, expected {Up(c.OursUp)} ({c.Rule}); error: {fixture.Ours.LastError.GetValueOrDefault(c.Name)}; prometheus: {fixture.Prometheus.LastError.GetValueOrDefault(c.Name)}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void TheDeliberateDifferencesAreExactlyTheListedOnes()
    {
        Assert.Equal(DeliberateDifferences, OpenMetricsCases.All.Where(c => c.Deviation is not null).Select(c => c.Name));
        foreach (var c in OpenMetricsCases.All.Where(c => c.Deviation is not null))
        {
            Assert.NotEqual(c.PrometheusUp, c.OursUp);
            output.WriteLine($"{c.Name}: prometheus 2.42 up={Up(c.PrometheusUp)}, fed-functions up={Up(c.OursUp)}: {c.Deviation!.Why}");
        }
    }

    [Fact]
    public void EveryCaseBothAcceptStoresTheSameSeries()
    {
        var wrong = new List<string>();
        var compared = 0;
        foreach (var c in OpenMetricsCases.All.Where(c => c.PrometheusUp && c.OursUp))
        {
            // fed-functions writes le/quantile of histogram/summary families as floats (Prometheus 3); 2.42 keeps them as scraped.
            var bounds = c.BoundFamilies;
            var theirs = fixture.Prometheus.Series.GetValueOrDefault(c.Name, []).ToDictionary(
                kv => bounds.Contains(Family(kv.Key)) ? ExpositionText.WithFloatBounds(kv.Key) : kv.Key, kv => kv.Value, StringComparer.Ordinal);
            var ours = fixture.Ours.Series.GetValueOrDefault(c.Name, []);
            output.WriteLine($"{c.Name}: {theirs.Count} series in prometheus, {ours.Count} in fed-functions");
            foreach (var (series, value) in theirs)
            {
                if (!ours.TryGetValue(series, out var mine)) wrong.Add($"{c.Name}: fed-functions lacks {series} {value}");
                else if (mine != value) wrong.Add($"{c.Name}: {series} is {value} in prometheus, {mine} in fed-functions");
            }
            foreach (var series in ours.Keys.Except(theirs.Keys)) wrong.Add($"{c.Name}: fed-functions has {series} {ours[series]}, prometheus does not");
            compared += theirs.Count;
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.True(compared > 50, $"only {compared} series compared");
    }

    [Fact]
    public void EveryRefusedCaseNamesItsReason()
    {
        var silent = new List<string>();
        foreach (var c in OpenMetricsCases.All.Where(c => !c.OursUp))
        {
            var ours = fixture.Ours.LastError.GetValueOrDefault(c.Name, "");
            var theirs = fixture.Prometheus.LastError.GetValueOrDefault(c.Name, "");
            output.WriteLine($"{c.Name}\n  prometheus:    {theirs}\n  fed-functions: {ours}");
            // Every refusal here is a parse failure: it names the line and what was wrong with it.
            if (!ParseFailure().IsMatch(ours)) silent.Add($"{c.Name}: \"{ours}\"");
        }
        Assert.True(silent.Count == 0, "refused without a reason:\n" + string.Join("\n", silent));
    }

    private static string Up(bool up) => up ? "1" : "0";

    [GeneratedRegex(@"^line [0-9]+: \S.{8,}")]
    private static partial Regex ParseFailure();

    private static string Family(string series)
    {
        var name = series.Split('{')[0];
        foreach (var suffix in new[] { "_bucket", "_count", "_sum", "_created" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal)) return name[..^suffix.Length];
        }
        return name;
    }
}
