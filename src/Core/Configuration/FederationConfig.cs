using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FedFunctions.Core.Configuration;

/// <summary>
/// FederationConfig is a parsed scrape configuration in Prometheus' own <c>prometheus.yml</c> format:
/// the <c>global</c> section and the <c>scrape_configs</c> jobs with their static targets. The supported
/// subset is validated at load; anything else is rejected with a message naming the key and the line.
/// </summary>
public sealed class FederationConfig
{
    private readonly IReadOnlyList<ScrapeTarget> _targets;
    private readonly IReadOnlyList<DroppedTarget> _dropped;

    private FederationConfig(GlobalConfig global, IReadOnlyList<ScrapeJobConfig> scrapeConfigs, IReadOnlyList<ScrapeTarget> targets, IReadOnlyList<DroppedTarget> dropped)
    {
        Global = global;
        ScrapeConfigs = scrapeConfigs;
        _targets = targets;
        _dropped = dropped;
    }

    /// <summary>Global is the <c>global</c> section with defaults applied.</summary>
    public GlobalConfig Global { get; }

    /// <summary>ScrapeConfigs are the jobs in file order.</summary>
    public IReadOnlyList<ScrapeJobConfig> ScrapeConfigs { get; }

    /// <summary>Load reads and parses the file at <paramref name="path"/>.</summary>
    /// <exception cref="ConfigException">The file cannot be read or is not a valid configuration.</exception>
    public static FederationConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ConfigException($"{path}: cannot read configuration: {ex.Message}", ex);
        }
        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>Parse reads a configuration from YAML text; <paramref name="sourceName"/> prefixes messages.</summary>
    /// <exception cref="ConfigException">The text is not a valid configuration.</exception>
    public static FederationConfig Parse(string yaml, string sourceName = "config") => Parse(yaml, sourceName, null);

    /// <summary>
    /// Parse reads a configuration from YAML text that did not come from a local file (a blob, say):
    /// relative file paths in it (<c>*_file</c> keys) resolve against <paramref name="baseDirectory"/>
    /// (null: the current directory), as <see cref="Load"/> resolves them against the file's own directory.
    /// </summary>
    /// <exception cref="ConfigException">The text is not a valid configuration.</exception>
    public static FederationConfig Parse(string yaml, string sourceName, string? baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            var line = checked((int)ex.Start.Line);
            var reason = StripPosition(ex.Message);
            throw new ConfigException($"{sourceName}:{line}: invalid YAML: {reason}", line, null, ex);
        }

        var reader = new YamlConfigReader(sourceName, baseDirectory);
        if (stream.Documents.Count > 1)
            throw reader.Fail(stream.Documents[1].RootNode, null, "expected a single YAML document");
        var root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        var (global, jobs) = FederationConfigParser.ParseRoot(reader, root);
        var targets = new List<ScrapeTarget>();
        var dropped = new List<DroppedTarget>();
        foreach (var job in jobs) targets.AddRange(TargetBuilder.Build(reader, job, dropped));
        return new FederationConfig(global, jobs, targets, dropped);
    }

    /// <summary>Targets returns every static target of every job, in file order, without duplicates per job.</summary>
    public IReadOnlyList<ScrapeTarget> Targets() => _targets;

    /// <summary>DroppedTargets returns the static targets that <c>relabel_configs</c> dropped, in file order.</summary>
    public IReadOnlyList<DroppedTarget> DroppedTargets() => _dropped;

    private static string StripPosition(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 1, Idx: 20) - (Line: ...): "; the line is already in our prefix.
        var index = message.LastIndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line", StringComparison.Ordinal) && index >= 0 ? message[(index + 3)..] : message;
    }
}
