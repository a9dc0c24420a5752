using System.Buffers;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Federation;
using FedFunctions.Core.Model;
using FedFunctions.Core.Selectors;
using FedFunctions.Core.Snapshots;
using FedFunctions.TestSupport;

namespace FedFunctions.Core.Tests.Federation;

/// <summary>The whole engine on real exposition: parse, store (codec), federate, write, parse again.</summary>
public sealed class FixtureRoundTripTests
{
    [Theory]
    [InlineData("node_exporter-1.5.0.txt")]
    [InlineData("prometheus-2.42-self.txt")]
    public void ParsingEncodingFederatingAndWritingKeepsEverySeriesValueAndTheMetadata(string fixture)
    {
        var parsed = ExpositionParser.Parse(RepoPaths.Fixture(fixture), "text/plain; version=0.0.4");
        const long now = 1_700_000_000_000;
        var snapshot = new TargetSnapshot
        {
            TargetLabels = Labels.Empty,
            ScrapeTimestampMs = now,
            Up = true,
            Metadata = parsed.Metadata,
            Samples = parsed.Samples,
        };
        var stored = SnapshotCodec.Decode(SnapshotCodec.Encode(snapshot));
        var families = FederationQuery.Select([new IndexedSnapshot(stored)], SelectorParser.ParseMany(["{__name__=~\".+\"}"]), now, FederationQuery.DefaultLookback);

        var buffer = new ArrayBufferWriter<byte>();
        PrometheusTextWriter.WriteFamilies(buffer, families, ExternalLabels.None);
        var reparsed = ExpositionParser.Parse(buffer.WrittenSpan, "text/plain; version=0.0.4");

        var expected = parsed.Samples.ToDictionary(s => s.Labels, s => BitConverter.DoubleToInt64Bits(s.Value));
        var actual = reparsed.Samples.ToDictionary(s => s.Labels, s => BitConverter.DoubleToInt64Bits(s.Value));
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (labels, bits) in expected) Assert.True(actual.TryGetValue(labels, out var got) && got == bits, $"{labels}");
        Assert.All(reparsed.Samples, s => Assert.Equal(now, s.TimestampMs));

        // Every TYPE and HELP the target gave is served again.
        var served = reparsed.Metadata.ToDictionary(m => m.Name);
        foreach (var metadata in parsed.Metadata.Where(m => parsed.Samples.Any(s => FamilyOf(s.Labels.MetricName) == m.Name)))
        {
            Assert.True(served.TryGetValue(metadata.Name, out var again), "no metadata for " + metadata.Name);
            Assert.Equal(metadata.Type, again.Type);
            Assert.Equal(metadata.Help, again.Help);
        }

        string FamilyOf(string name) => parsed.Metadata.Any(m => m.Name == name) ? name
            : name.EndsWith("_bucket", StringComparison.Ordinal) ? name[..^7]
            : name.EndsWith("_count", StringComparison.Ordinal) ? name[..^6]
            : name.EndsWith("_sum", StringComparison.Ordinal) ? name[..^4] : name;
    }
}
