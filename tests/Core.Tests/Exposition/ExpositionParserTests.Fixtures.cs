using System.Text;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Tests.Exposition;

public partial class ExpositionParserTests
{
    [Theory]
    [InlineData("node_exporter-1.5.0.txt", 505, 282)]
    [InlineData("prometheus-2.42-self.txt", 427, 169)]
    public void Fixtures_ParseToEveryLine(string fixture, int samples, int families)
    {
        var body = FedFunctions.TestSupport.RepoPaths.Fixture(fixture);
        var lines = Encoding.UTF8.GetString(body).Split('\n');

        var doc = ExpositionParser.Parse(body, "text/plain; version=0.0.4; charset=utf-8");

        // Cross-check against the file itself: every non-comment line is a sample, every TYPE a family.
        Assert.Equal(lines.Count(l => l.Length > 0 && !l.StartsWith('#')), doc.Samples.Count);
        Assert.Equal(lines.Count(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)), doc.Metadata.Count);
        Assert.Equal(samples, doc.Samples.Count);
        Assert.Equal(families, doc.Metadata.Count);
        Assert.Empty(doc.DuplicateSeries);
        Assert.All(doc.Metadata, m => Assert.NotEqual("", m.Help));

        var gc = doc.Metadata.Single(m => m.Name == "go_gc_duration_seconds");
        Assert.Equal(MetricType.Summary, gc.Type);
        Assert.Equal("A summary of the pause duration of garbage collection cycles.", gc.Help);
        var quantiles = doc.Samples.Where(s => s.Labels.MetricName == "go_gc_duration_seconds").Select(s => s.Labels.Get("quantile"));
        Assert.Equal(["0.0", "0.25", "0.5", "0.75", "1.0"], quantiles);
    }

    [Fact]
    public void Fixtures_NodeExporter_SpotValues()
    {
        var doc = ExpositionParser.Parse(FedFunctions.TestSupport.RepoPaths.Fixture("node_exporter-1.5.0.txt"), ExpositionFormat.PrometheusText);
        var goroutines = doc.Samples.Single(s => s.Labels.MetricName == "go_goroutines");
        Assert.Equal(8, goroutines.Value);
        Assert.Null(goroutines.TimestampMs);
        Assert.Equal(MetricType.Gauge, doc.Metadata.Single(m => m.Name == "go_goroutines").Type);
        Assert.Equal(3.2541e-05, doc.Samples.Single(s => s.Labels.MetricName == "go_gc_duration_seconds" && s.Labels.Get("quantile") == "0.0").Value);
    }

    [Theory]
    [InlineData("node_exporter-1.5.0.txt")]
    [InlineData("prometheus-2.42-self.txt")]
    public void Fixtures_AsOpenMetrics_GiveTheSameSamples(string fixture)
    {
        var text = FedFunctions.TestSupport.RepoPaths.Fixture(fixture);
        // OpenMetrics spells "untyped" as "unknown"; otherwise the fixtures are valid OpenMetrics lines.
        var converted = Encoding.UTF8.GetString(text).Replace(" untyped\n", " unknown\n", StringComparison.Ordinal);
        byte[] openMetrics = [.. Encoding.UTF8.GetBytes(converted), .. "# EOF\n"u8];

        var fromText = ExpositionParser.Parse(text, ExpositionFormat.PrometheusText);
        var fromOpenMetrics = ExpositionParser.Parse(openMetrics, ExpositionFormat.OpenMetrics);

        Assert.Equal(fromText.Samples, fromOpenMetrics.Samples);
        Assert.Equal(fromText.Metadata.Select(m => (m.Name, m.Type)), fromOpenMetrics.Metadata.Select(m => (m.Name, m.Type)));
    }
}
