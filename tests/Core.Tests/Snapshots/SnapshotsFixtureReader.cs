using System.Globalization;
using System.Text;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Tests.Snapshots;

/// <summary>
/// SnapshotsFixtureReader turns a well-formed text 0.0.4 fixture into a <see cref="TargetSnapshot"/>, to give the
/// codec tests realistic label text. It is deliberately minimal (the real parser lives in Exposition).
/// </summary>
internal static class SnapshotsFixtureReader
{
    public static TargetSnapshot Read(string text, long scrapeTimestampMs = 1_700_000_000_000)
    {
        var metadata = new Dictionary<string, (MetricType Type, string Help)>(StringComparer.Ordinal);
        var order = new List<string>();
        var samples = new List<Sample>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var rest = line[7..];
                var space = rest.IndexOf(' ');
                var name = space < 0 ? rest : rest[..space];
                var arg = space < 0 ? "" : rest[(space + 1)..];
                if (!metadata.TryGetValue(name, out var entry)) order.Add(name);
                entry = line[2] == 'H' ? (entry.Type, arg.Replace("\\n", "\n").Replace("\\\\", "\\")) : (ParseType(arg), entry.Help ?? "");
                metadata[name] = (entry.Type, entry.Help ?? "");
                continue;
            }
            if (line[0] == '#') continue;
            samples.Add(ParseSample(line));
        }
        return new TargetSnapshot
        {
            TargetLabels = Labels.Of("instance", "localhost:9100", "job", "node"),
            ScrapeTimestampMs = scrapeTimestampMs,
            Up = true,
            DurationSeconds = 0.0123,
            Metadata = order.Select(n => new MetricMetadata(n, metadata[n].Type, metadata[n].Help, "")).ToArray(),
            Samples = samples,
        };
    }

    private static MetricType ParseType(string type) => type switch
    {
        "counter" => MetricType.Counter,
        "gauge" => MetricType.Gauge,
        "histogram" => MetricType.Histogram,
        "summary" => MetricType.Summary,
        _ => MetricType.Unknown,
    };

    private static Sample ParseSample(string line)
    {
        var labels = new List<Label>();
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ') i++;
        labels.Add(new Label(Label.MetricName, line[..i]));
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var name = line[i..eq];
                i = eq + 2;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                    i++;
                }
                i++;
                if (line[i] == ',') i++;
                labels.Add(new Label(name, value.ToString()));
            }
            i++;
        }
        var parts = line[i..].Trim().Split(' ');
        var v = parts[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var s => double.Parse(s, CultureInfo.InvariantCulture),
        };
        long? ts = parts.Length > 1 ? long.Parse(parts[1], CultureInfo.InvariantCulture) : null;
        return new Sample(Labels.From(labels), v, ts);
    }
}
