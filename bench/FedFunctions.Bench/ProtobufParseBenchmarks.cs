// Run: dotnet run -c Release --project bench/FedFunctions.Bench -- --filter '*ProtobufParseBenchmarks*'
using System.Buffers;
using BenchmarkDotNet.Attributes;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Federation;
using FedFunctions.Core.Model;
using FedFunctions.Core.Selectors;

namespace FedFunctions.Bench;

/// <summary>
/// The same series read from text and from delimited protobuf: the node_exporter fixture as it is, and the
/// same families written as protobuf (as a client library or <c>/federate</c> answers them).
/// </summary>
[MemoryDiagnoser]
public class ProtobufParseBenchmarks
{
    private byte[] _protobuf = [];

    [GlobalSetup]
    public void Setup()
    {
        var document = ExpositionParser.Parse(Corpus.NodeExporter, ExpositionFormat.PrometheusText);
        var snapshot = new TargetSnapshot { TargetLabels = Labels.Empty, ScrapeTimestampMs = 0, Up = true, Metadata = document.Metadata, Samples = document.Samples };
        var families = FederationQuery.Select([new IndexedSnapshot(snapshot)], SelectorParser.ParseMany(["{__name__=~\".+\"}"]), 0, TimeSpan.FromDays(1));
        var output = new ArrayBufferWriter<byte>();
        foreach (var family in families) PrometheusProtobufWriter.WriteFamily(output, family, ExternalLabels.None);
        _protobuf = output.WrittenSpan.ToArray();
    }

    [Benchmark(Baseline = true, Description = "text: node_exporter (57 KB, 505 samples)")]
    public int Text() => ExpositionParser.Parse(Corpus.NodeExporter, ExpositionFormat.PrometheusText).Samples.Count;

    [Benchmark(Description = "protobuf: the same families")]
    public int Protobuf() => ExpositionParser.Parse(_protobuf, ExpositionFormat.PrometheusProtobuf).Samples.Count;

    /// <summary>The protobuf body's size, for MB/s.</summary>
    public int ProtobufBytes => _protobuf.Length;
}
