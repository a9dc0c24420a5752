// Run: dotnet run -c Release --project bench/FedFunctions.Bench -- --filter '*FederationBenchmarks*'
using System.Buffers;
using BenchmarkDotNet.Attributes;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Federation;
using FedFunctions.Core.Model;
using FedFunctions.Core.Selectors;

namespace FedFunctions.Bench;

/// <summary>Selecting and rendering /federate answers over 200 cached node_exporter snapshots (about 100k series).</summary>
[MemoryDiagnoser]
public class FederationBenchmarks
{
    private IndexedSnapshot[] _snapshots = [];
    private IReadOnlyList<Selector> _everything = [];
    private IReadOnlyList<Selector> _selective = [];
    private IReadOnlyList<MetricFamily> _allFamilies = [];
    private readonly ArrayBufferWriter<byte> _output = new(32 * 1024 * 1024);
    private readonly ExternalLabels _external = ExternalLabels.Create([new Label("instance", "")]);
    private long _now;

    [GlobalSetup]
    public void Setup()
    {
        _snapshots = Corpus.Snapshots().Select(s => new IndexedSnapshot(s)).ToArray();
        _now = _snapshots[0].Snapshot.ScrapeTimestampMs + 1000;
        _everything = SelectorParser.ParseMany(["{__name__=~\".+\"}"]);
        _selective = SelectorParser.ParseMany(["node_cpu_seconds_total{mode=\"idle\"}", "{__name__=~\"node_load.*\",instance=~\"10.0.0.1.*\"}"]);
        _allFamilies = FederationQuery.Select(_snapshots, _everything, _now, FederationQuery.DefaultLookback);
        _output.ResetWrittenCount();
        PrometheusTextWriter.WriteFamilies(_output, _allFamilies, _external);
        Console.WriteLine($"// everything: {_allFamilies.Sum(f => f.Samples.Count)} series, {_output.WrittenCount} bytes of text");
    }

    [Benchmark(Description = "select everything {__name__=~\".+\"} (100k series)")]
    public int SelectEverything() => FederationQuery.Select(_snapshots, _everything, _now, FederationQuery.DefaultLookback).Count;

    [Benchmark(Description = "select node_cpu idle + node_load regex")]
    public int SelectSelective() => FederationQuery.Select(_snapshots, _selective, _now, FederationQuery.DefaultLookback).Count;

    [Benchmark(Description = "render 100k series as delimited protobuf")]
    public int RenderEverythingProtobuf()
    {
        _output.ResetWrittenCount();
        foreach (var family in _allFamilies) PrometheusProtobufWriter.WriteFamily(_output, family, _external);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "render 100k series as text 0.0.4")]
    public int RenderEverything()
    {
        _output.ResetWrittenCount();
        PrometheusTextWriter.WriteFamilies(_output, _allFamilies, _external);
        return _output.WrittenCount;
    }
}
