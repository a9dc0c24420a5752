using System.Text;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;

namespace FedFunctions.Bench;

/// <summary>
/// Corpus is the data every benchmark uses: the shared fixtures (real node_exporter 1.5.0 and
/// Prometheus 2.42 output) and a synthetic set of 200 node_exporter targets (about 100k series),
/// which is the size of the end-to-end goal.
/// </summary>
public static class Corpus
{
    public const int Targets = 200;

    public static string FixturesDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "..", "shared", "fixtures");
                if (File.Exists(Path.Combine(dir.FullName, "fed-functions.sln")) && Directory.Exists(candidate)) return Path.GetFullPath(candidate);
            }
            throw new InvalidOperationException("../shared/fixtures not found beside the repository");
        }
    }

    public static byte[] NodeExporter { get; } = File.ReadAllBytes(Path.Combine(FixturesDirectory, "node_exporter-1.5.0.txt"));

    public static byte[] PrometheusSelf { get; } = File.ReadAllBytes(Path.Combine(FixturesDirectory, "prometheus-2.42-self.txt"));

    /// <summary>One snapshot per synthetic target: the node_exporter fixture with job/instance attached.</summary>
    public static IReadOnlyList<TargetSnapshot> Snapshots(int targets = Targets)
    {
        var document = ExpositionParser.Parse(NodeExporter, "text/plain; version=0.0.4");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var result = new List<TargetSnapshot>(targets);
        for (var t = 0; t < targets; t++)
        {
            var instance = $"10.0.{t / 250}.{t % 250}:9100";
            var targetLabels = Labels.Of("instance", instance, "job", "node");
            var samples = document.Samples
                .Select(s => new Sample(s.Labels.ToBuilder().Set("instance", instance).Set("job", "node").Build(), s.Value, now))
                .ToList();
            result.Add(new TargetSnapshot
            {
                TargetLabels = targetLabels,
                ScrapeTimestampMs = now,
                Up = true,
                Metadata = document.Metadata,
                Samples = samples,
            });
        }
        return result;
    }

    /// <summary>The text of all synthetic targets concatenated, each series carrying its instance (about 100k lines).</summary>
    public static byte[] LargeText(int targets = Targets)
    {
        var text = Encoding.UTF8.GetString(NodeExporter);
        var builder = new StringBuilder(text.Length * targets);
        for (var t = 0; t < targets; t++)
        {
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0) continue;
                if (line[0] == '#')
                {
                    if (t == 0) builder.Append(line).Append('\n');
                    continue;
                }
                var brace = line.IndexOf('{');
                var space = line.IndexOf(' ');
                builder.Append(brace >= 0 && brace < space
                    ? line.Insert(brace + 1, $"target=\"t{t}\",")
                    : line.Insert(space, $"{{target=\"t{t}\"}}")).Append('\n');
            }
        }
        return Encoding.UTF8.GetBytes(builder.ToString());
    }
}
