// Run: dotnet run -c Release --project bench/FedFunctions.Bench -- --filter '*ParseBenchmarks*'
using BenchmarkDotNet.Attributes;
using FedFunctions.Core.Exposition;

namespace FedFunctions.Bench;

/// <summary>Parsing scrape bodies: MB/s = bytes / mean time; allocation per sample = allocated / samples.</summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private byte[] _large = [];

    [GlobalSetup]
    public void Setup() => _large = Corpus.LargeText();

    [Benchmark(Description = "parse node_exporter (57 KB, 505 samples)")]
    public int NodeExporter() => ExpositionParser.Parse(Corpus.NodeExporter, ExpositionFormat.PrometheusText).Samples.Count;

    [Benchmark(Description = "parse prometheus self (52 KB, 427 samples)")]
    public int PrometheusSelf() => ExpositionParser.Parse(Corpus.PrometheusSelf, ExpositionFormat.PrometheusText).Samples.Count;

    [Benchmark(Description = "parse synthetic 100k series (one body)")]
    public int Large() => ExpositionParser.Parse(_large, ExpositionFormat.PrometheusText).Samples.Count;
}
