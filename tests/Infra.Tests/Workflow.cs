using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace FedFunctions.Infra.Tests;

/// <summary>Workflow is a GitHub Actions workflow file parsed with YamlDotNet, with the few lookups the tests need.</summary>
public sealed partial class Workflow
{
    private Workflow(string name, YamlMappingNode root)
    {
        Name = name;
        Root = root;
    }

    /// <summary>WorkflowsDir is <c>.github/workflows</c>.</summary>
    public static string WorkflowsDir => Path.Combine(InfraTestPaths.RepoRoot, ".github", "workflows");

    /// <summary>Name is the file name, e.g. <c>ci.yml</c>.</summary>
    public string Name { get; }

    /// <summary>Root is the top-level mapping.</summary>
    public YamlMappingNode Root { get; }

    /// <summary>Load parses <c>.github/workflows/<paramref name="fileName"/></c>.</summary>
    public static Workflow Load(string fileName)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(WorkflowsDir, fileName)))
        {
            stream.Load(reader);
        }

        return new Workflow(fileName, (YamlMappingNode)stream.Documents.Single().RootNode);
    }

    /// <summary>Job returns the mapping of job <paramref name="id"/>.</summary>
    public YamlMappingNode Job(string id) =>
        (YamlMappingNode)((YamlMappingNode)Root["jobs"]).Children[new YamlScalarNode(id)];

    /// <summary>Steps lists every step mapping of every job, in file order.</summary>
    public IReadOnlyList<YamlMappingNode> Steps() =>
        ((YamlMappingNode)Root["jobs"]).Children.Values.Cast<YamlMappingNode>()
            .Where(job => job.Children.ContainsKey("steps"))
            .SelectMany(job => ((YamlSequenceNode)job["steps"]).Children.Cast<YamlMappingNode>())
            .ToList();

    /// <summary>Uses lists every <c>uses:</c> value (steps and reusable-workflow jobs).</summary>
    public IReadOnlyList<string> Uses() =>
        Steps().Select(step => Scalar(step, "uses"))
            .Concat(((YamlMappingNode)Root["jobs"]).Children.Values.Cast<YamlMappingNode>().Select(job => Scalar(job, "uses")))
            .OfType<string>()
            .ToList();

    /// <summary>Scalar is the string value of <paramref name="key"/> in <paramref name="map"/>, or null.</summary>
    public static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;

    /// <summary>
    /// IsPinnedToMajorVersion says whether <paramref name="uses"/> is <c>owner/repo[/path]@vN</c>: a major-version
    /// tag, not a branch (<c>@main</c>), a full version, a missing ref or a local/docker reference.
    /// </summary>
    public static bool IsPinnedToMajorVersion(string uses) => MajorVersionPin().IsMatch(uses);

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[A-Za-z0-9_./-]+)?@v[0-9]+$")]
    private static partial Regex MajorVersionPin();
}
