// Run: dotnet run -c Release --project bench/FedFunctions.Bench -- --filter '*SnapshotBenchmarks*'
using BenchmarkDotNet.Attributes;
using FedFunctions.Core.Model;
using FedFunctions.Core.Snapshots;

namespace FedFunctions.Bench;

/// <summary>Encoding+compressing a stored snapshot and decoding it back (compare decode with parsing the same text).</summary>
[MemoryDiagnoser]
public class SnapshotBenchmarks
{
    private TargetSnapshot _snapshot = null!;
    private byte[] _encoded = [];

    [GlobalSetup]
    public void Setup()
    {
        _snapshot = Corpus.Snapshots(1)[0];
        _encoded = SnapshotCodec.Encode(_snapshot);
        Console.WriteLine($"// node_exporter snapshot: {_snapshot.Samples.Count} samples, text {Corpus.NodeExporter.Length} bytes, encoded {_encoded.Length} bytes");
    }

    [Benchmark(Description = "encode+compress node_exporter snapshot")]
    public int Encode() => SnapshotCodec.Encode(_snapshot).Length;

    [Benchmark(Description = "decode node_exporter snapshot")]
    public int Decode() => SnapshotCodec.Decode(_encoded).Samples.Count;
}
