using System.Text;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;
using FedFunctions.Core.Scraping;
using FedFunctions.TestSupport;

namespace FedFunctions.Core.Tests.Scraping;

/// <summary>
/// A live node_exporter 1.5.0 (Debian's) scraped in text and in protobuf: the same series both ways, and the same
/// as Prometheus 2.42 scraping it.
/// </summary>
public sealed class NodeExporterProtocolTests : IAsyncLifetime
{
    private NodeExporter _exporter = null!;

    public async Task InitializeAsync() => _exporter = await NodeExporter.StartAsync();

    public async Task DisposeAsync() => await _exporter.DisposeAsync();

    private ScrapeTarget Target(string protocol) =>
        FederationConfig.Parse($"scrape_configs:\n  - job_name: node\n    scrape_protocols: [{protocol}]\n    static_configs:\n      - targets: ['{_exporter.HostPort}']\n").Targets().Single();

    // The exporter's own series, without the synthetic ones a scrape adds (up, scrape_*), as sorted label sets.
    private static SortedSet<string> SeriesOf(IEnumerable<Sample> samples) =>
        new(samples
            .Where(s => s.Labels.MetricName != "up" && !s.Labels.MetricName.StartsWith("scrape_", StringComparison.Ordinal))
            .Select(s => s.Labels.ToBuilder().RemoveWhere(l => l.Name is "instance" or "job").Build().ToString()),
            StringComparer.Ordinal);

    private static Labels WithFloatBounds(Labels labels)
    {
        var builder = labels.ToBuilder();
        foreach (var name in new[] { "le", "quantile" })
        {
            var value = labels.Get(name);
            if (value.Length > 0 && long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _))
                builder.Set(name, value + ".0");
        }
        return builder.Build();
    }

    [Fact]
    public async Task TextAndProtobufScrapesGiveTheSameSeriesAndTypes()
    {
        // The exporter really answers protobuf when asked for it.
        using (var http = new HttpClient())
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"http://{_exporter.HostPort}/metrics"))
        {
            request.Headers.TryAddWithoutValidation("Accept", Scraper.AcceptHeaderFor([ScrapeProtocol.PrometheusProto], NameEscapingScheme.Underscores));
            using var response = await http.SendAsync(request);
            Assert.StartsWith("application/vnd.google.protobuf", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        }

        using var scraper = new Scraper(Scraper.CreateHttpClient());
        var text = await scraper.ScrapeAsync(Target("PrometheusText0.0.4"));
        var protobuf = await scraper.ScrapeAsync(Target("PrometheusProto"));

        Assert.True(text.Up, text.Error);
        Assert.True(protobuf.Up, protobuf.Error);
        var textSeries = SeriesOf(text.Samples);
        Assert.True(textSeries.Count > 50, $"only {textSeries.Count} series");
        Assert.Contains(textSeries, s => s.Contains("quantile=\"0.0\"", StringComparison.Ordinal)); // go_gc_duration_seconds, normalised
        Assert.Equal(textSeries, SeriesOf(protobuf.Samples));
        Assert.Equal(
            text.Metadata.Select(m => $"{m.Name} {m.Type}").Order(StringComparer.Ordinal),
            protobuf.Metadata.Select(m => $"{m.Name} {m.Type}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ProtobufScrapeGivesTheSeriesPrometheus242Stores()
    {
        await using var prometheus = await PrometheusServer.StartAsync(
            $"global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ['{_exporter.HostPort}']\n");
        await Poll.UntilAsync(async () => (await prometheus.QueryAsync("up{job=\"node\"} == 1")).GetArrayLength() > 0 ? "up" : null,
            TimeSpan.FromSeconds(60), "prometheus to scrape node_exporter");
        // A second scrape, so every series has a sample within the federation window.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var federated = await prometheus.FederateAsync("{job=\"node\"}");
        // Prometheus 2.42 federates every family as untyped and keeps le/quantile as scraped ("0"); fed-functions
        // stores them as Prometheus 3 does ("0.0"), so integral bounds are written as floats here before comparing.
        var theirs = SeriesOf(ExpositionParser.Parse(Encoding.UTF8.GetBytes(federated), ExpositionFormat.PrometheusText).Samples
            .Select(s => s with { Labels = WithFloatBounds(s.Labels) }));

        using var scraper = new Scraper(Scraper.CreateHttpClient());
        var ours = await scraper.ScrapeAsync(Target("PrometheusProto"));

        Assert.True(ours.Up, ours.Error);
        var ourSeries = SeriesOf(ours.Samples);
        Assert.True(theirs.SetEquals(ourSeries),
            $"only Prometheus: {string.Join("; ", theirs.Except(ourSeries).Take(10))}\nonly fed-functions: {string.Join("; ", ourSeries.Except(theirs).Take(10))}");
    }
}
