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
    private IReadOnlyList<Selector> _fixedNames = [];
    private IReadOnlyList<MetricFamily> _allFamilies = [];
    private IReadOnlyList<MetricFamily> _dottedFamilies = [];
    private readonly ArrayBufferWriter<byte> _output = new(32 * 1024 * 1024);
    private readonly ExternalLabels _external = ExternalLabels.Create([new Label("instance", "")]);
    private long _now;
    private SnapshotSet _set = null!;
    private int _request;

    [GlobalSetup]
    public void Setup()
    {
        _snapshots = Corpus.Snapshots().Select(s => new IndexedSnapshot(s)).ToArray();
        _now = _snapshots[0].Snapshot.ScrapeTimestampMs + 1000;
        _everything = SelectorParser.ParseMany(["{__name__=~\".+\"}"]);
        _selective = SelectorParser.ParseMany(["node_cpu_seconds_total{mode=\"idle\"}", "{__name__=~\"node_load.*\",instance=~\"10.0.0.1.*\"}"]);
        // What the end-to-end load program asks (bench/FedFunctions.LoadTest): two fixed names, about 600 series.
        _fixedNames = SelectorParser.ParseMany(["node_cpu_seconds_total{mode=\"idle\"}", "node_load1"]);
        _set = new SnapshotSet(_snapshots);
        _allFamilies = FederationQuery.Select(_snapshots, _everything, _now, FederationQuery.DefaultLookback);
        _output.ResetWrittenCount();
        PrometheusTextWriter.WriteFamilies(_output, _allFamilies, _external);
        Console.WriteLine($"// everything: {_allFamilies.Sum(f => f.Samples.Count)} series, {_output.WrittenCount} bytes of text");
        // The same series with OpenTelemetry-style names: node_cpu_seconds_total -> node.cpu.seconds.total, labels too.
        _dottedFamilies = [.. _allFamilies.Select(f => f with
        {
            Name = Dotted(f.Name),
            Samples = [.. f.Samples.Select(s => s with { Labels = Labels.From(s.Labels.Select(l => l.Name == Label.MetricName ? new Label(l.Name, Dotted(l.Value)) : new Label(Dotted(l.Name), l.Value))) })],
        })];

        static string Dotted(string name) => name.Length > 1 ? name[0] + name[1..].Replace('_', '.') : name;
    }

    [Benchmark(Description = "select everything {__name__=~\".+\"} (100k series)")]
    public int SelectEverything() => FederationQuery.Select(_snapshots, _everything, _now, FederationQuery.DefaultLookback).Count;

    [Benchmark(Description = "select node_cpu idle + node_load regex")]
    public int SelectSelective() => FederationQuery.Select(_snapshots, _selective, _now, FederationQuery.DefaultLookback).Count;

    [Benchmark(Description = "select node_cpu idle + node_load1 (fixed names, as the e2e selective request)")]
    public int SelectFixedNames() => FederationQuery.Select(_snapshots, _fixedNames, _now, FederationQuery.DefaultLookback).Count;

    [Benchmark(Description = "select node_cpu idle + node_load1, no two requests alike, over one snapshot set (its families indexed)")]
    public int SelectFixedNamesUnrepeated()
    {
        // Each request adds a matcher every series satisfies, as the e2e path "selective, no two requests alike".
        var n = _request++;
        var selectors = SelectorParser.ParseMany([$"node_cpu_seconds_total{{mode=\"idle\",bench_{n}=\"\"}}", $"node_load1{{bench_{n}=\"\"}}"]);
        return FederationQuery.Select(_set, selectors, _now, FederationQuery.DefaultLookback).Count;
    }

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

    [Benchmark(Description = "render 100k legacy-named series as text, escaping=underscores")]
    public int RenderEverythingEscaped()
    {
        _output.ResetWrittenCount();
        PrometheusTextWriter.WriteFamilies(_output, _allFamilies, _external, NameEscapingScheme.Underscores);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "render 100k legacy-named series as protobuf, escaping=underscores")]
    public int RenderEverythingProtobufEscaped()
    {
        _output.ResetWrittenCount();
        foreach (var family in _allFamilies) PrometheusProtobufWriter.WriteFamily(_output, family, _external, NameEscapingScheme.Underscores);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "render 100k dotted-name series as text, allow-utf-8 (quoted)")]
    public int RenderDottedQuoted()
    {
        _output.ResetWrittenCount();
        PrometheusTextWriter.WriteFamilies(_output, _dottedFamilies, _external, NameEscapingScheme.AllowUtf8);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "render 100k dotted-name series as text, escaping=underscores")]
    public int RenderDottedEscaped()
    {
        _output.ResetWrittenCount();
        PrometheusTextWriter.WriteFamilies(_output, _dottedFamilies, _external, NameEscapingScheme.Underscores);
        return _output.WrittenCount;
    }
}
