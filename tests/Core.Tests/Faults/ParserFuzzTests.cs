using System.Diagnostics;
using System.Text;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;
using FedFunctions.Core.Snapshots;
using FedFunctions.Core.Tests.Exposition.Protobuf;
using FedFunctions.TestSupport;
using ProtoFamily = FedFunctions.Core.Exposition.Protobuf.MetricFamily;
using ProtoType = FedFunctions.Core.Exposition.Protobuf.MetricType;

namespace FedFunctions.Core.Tests.Faults;

/// <summary>
/// Random and mutated bodies for every parser, for a bounded number of rounds and at most a few seconds each:
/// only the parser's own error may escape, and no body makes a parser allocate far beyond its size.
/// </summary>
public class ParserFuzzTests
{
    private const int Rounds = 3000;
    private static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(4);

    private static byte[] ProtobufSeed()
    {
        var rt = new ProtoFamily { Name = "rt", Help = "h", Type = ProtoType.Histogram };
        rt.Metric.Add(new FedFunctions.Core.Exposition.Protobuf.Metric { Histogram = ProtobufBodies.ExampleHistogram(withClassic: true) }.WithLabels(("a", "b")));
        rt.Metric.Add(new FedFunctions.Core.Exposition.Protobuf.Metric { Histogram = ProtobufBodies.FloatHistogram(), TimestampMs = 5 });
        var c = new ProtoFamily { Name = "c_total", Type = ProtoType.Counter };
        c.Metric.Add(new FedFunctions.Core.Exposition.Protobuf.Metric { Counter = new FedFunctions.Core.Exposition.Protobuf.Counter { Value = 1 } });
        var s = new ProtoFamily { Name = "s", Type = ProtoType.Summary };
        var summary = new FedFunctions.Core.Exposition.Protobuf.Summary { SampleCount = 1, SampleSum = 2 };
        summary.Quantile.Add(new FedFunctions.Core.Exposition.Protobuf.Quantile { Quantile_ = 0.5, Value = 1 });
        s.Metric.Add(new FedFunctions.Core.Exposition.Protobuf.Metric { Summary = summary });
        return ProtobufBodies.Delimited(rt, c, s);
    }

    private static readonly ExpositionParseOptions AllParts = new() { ScrapeNativeHistograms = true, AlwaysScrapeClassicHistograms = true };

    public static TheoryData<string> Formats => new() { "text", "openmetrics", "protobuf", "snapshot" };

    [Theory]
    [MemberData(nameof(Formats))]
    public void MutatedBodies_FailOnlyWithTheParsersOwnError(string format)
    {
        var seed = format switch
        {
            "text" => RepoPaths.Fixture("prometheus-2.42-self.txt"),
            "openmetrics" => Encoding.UTF8.GetBytes("# TYPE a counter\n# HELP a h\na_total{b=\"c\"} 1 1.5 # {x=\"y\"} 2 1\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_count 2\nh_sum 3\n# EOF\n"),
            "protobuf" => ProtobufSeed(),
            _ => SnapshotCodec.Encode(new TargetSnapshot
            {
                TargetLabels = Labels.Of("job", "j"),
                ScrapeTimestampMs = 1,
                Up = true,
                Samples = [new Sample(Labels.Of("__name__", "h"), 1, 2, Snapshots.NativeHistogramSnapshotTests.IntegerHistogram()), new Sample(Labels.Of("__name__", "g"), 1, null)],
            }),
        };
        var random = new Random(format.Length * 7919);
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < Rounds && clock.Elapsed < TimeBudget; round++)
        {
            var body = Mutate(seed, random);
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                Parse(format, body);
            }
            catch (Exception ex) when (ex is ExpositionParseException or SnapshotFormatException)
            {
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            // Bounded by the body, never by a length or count read from it.
            Assert.True(allocated < (64L * body.Length) + (4 << 20), $"round {round}: {allocated} bytes allocated for a {body.Length}-byte body");
        }
        // The unmutated seed parses: the mutations above tested a parser that works.
        Parse(format, seed);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void RandomBytes_FailOnlyWithTheParsersOwnError(string format)
    {
        var random = new Random(format.GetHashCode(StringComparison.Ordinal));
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < Rounds && clock.Elapsed < TimeBudget; round++)
        {
            var body = new byte[random.Next(0, 512)];
            random.NextBytes(body);
            try
            {
                Parse(format, body);
            }
            catch (Exception ex) when (ex is ExpositionParseException or SnapshotFormatException)
            {
            }
        }
    }

    private static void Parse(string format, byte[] body)
    {
        switch (format)
        {
            case "text": ExpositionParser.Parse(body, ExpositionFormat.PrometheusText); break;
            case "openmetrics": ExpositionParser.Parse(body, ExpositionFormat.OpenMetrics); break;
            case "protobuf": ExpositionParser.Parse(body, ExpositionFormat.PrometheusProtobuf, AllParts); break;
            default: SnapshotCodec.Decode(body); break;
        }
    }

    /// <summary>A copy of <paramref name="seed"/> with a few bytes flipped, cut, duplicated or replaced by extreme values.</summary>
    private static byte[] Mutate(byte[] seed, Random random)
    {
        var body = new List<byte>(seed);
        var edits = random.Next(1, 5);
        for (var e = 0; e < edits && body.Count > 0; e++)
        {
            var at = random.Next(body.Count);
            switch (random.Next(6))
            {
                case 0: body[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: body.RemoveRange(at, Math.Min(random.Next(1, 16), body.Count - at)); break;
                case 2: body.InsertRange(at, body.GetRange(at, Math.Min(random.Next(1, 32), body.Count - at))); break;
                case 3: body[at] = 0xFF; break;
                case 4: body.RemoveRange(at, body.Count - at); break;
                default: body.InsertRange(at, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]); break;
            }
        }
        return [.. body];
    }
}
