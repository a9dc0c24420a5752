using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace FedFunctions.Core.Configuration;

/// <summary>
/// YamlConfigReader holds the small typed accessors over YamlDotNet's representation model that the
/// configuration parser uses. Every failure becomes a <see cref="ConfigException"/> that names the
/// source, the line of the node and the key.
/// </summary>
internal sealed class YamlConfigReader(string sourceName, string? baseDirectory = null)
{
    /// <summary>The folder relative file paths (secret files) are resolved against: the config file's folder.</summary>
    public string BaseDirectory { get; } = baseDirectory ?? Directory.GetCurrentDirectory();

    /// <summary>The name used as the message prefix (a file path or "config").</summary>
    public string SourceName { get; } = sourceName;

    /// <summary>Fail builds the exception for <paramref name="node"/>; callers <c>throw</c> it.</summary>
    public ConfigException Fail(YamlNode node, string? key, string message)
    {
        var line = checked((int)node.Start.Line);
        return new ConfigException($"{SourceName}:{line}: {message}", line, key);
    }

    /// <summary>IsNull is true for an absent value (<c>key:</c>, <c>~</c>, <c>null</c>).</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any } scalar &&
        (scalar.Value is null or "" or "~" or "null" or "Null" or "NULL");

    /// <summary>Mapping returns the node as a mapping (null values read as empty) or fails.</summary>
    public IEnumerable<(string Key, YamlScalarNode KeyNode, YamlNode Value)> Mapping(YamlNode node, string key, string where)
    {
        if (IsNull(node)) yield break;
        if (node is not YamlMappingNode mapping) throw Fail(node, key, $"\"{key}\" in {where} must be a mapping");
        foreach (var (k, v) in mapping.Children)
        {
            if (k is not YamlScalarNode scalarKey || scalarKey.Value is null)
                throw Fail(k, key, $"keys in \"{key}\" in {where} must be strings");
            yield return (scalarKey.Value, scalarKey, v);
        }
    }

    /// <summary>Sequence returns the node's items (null reads as empty) or fails.</summary>
    public IReadOnlyList<YamlNode> Sequence(YamlNode node, string key, string where)
    {
        if (IsNull(node)) return [];
        if (node is not YamlSequenceNode sequence) throw Fail(node, key, $"\"{key}\" in {where} must be a list");
        return sequence.Children.ToList();
    }

    /// <summary>String returns a scalar's text or fails.</summary>
    public string String(YamlNode node, string key, string where)
    {
        if (node is not YamlScalarNode scalar) throw Fail(node, key, $"\"{key}\" in {where} must be a string");
        return IsNull(node) ? "" : scalar.Value ?? "";
    }

    /// <summary>
    /// Bool reads a YAML 1.1 boolean as Prometheus' YAML library does (<c>true</c>/<c>false</c>,
    /// <c>yes</c>/<c>no</c>, <c>on</c>/<c>off</c>, <c>y</c>/<c>n</c>, any case) or fails.
    /// </summary>
    public bool Bool(YamlNode node, string key, string where)
    {
        var text = String(node, key, where);
        switch (text.ToLowerInvariant())
        {
            case "true" or "yes" or "on" or "y": return true;
            case "false" or "no" or "off" or "n": return false;
            default: throw Fail(node, key, $"invalid boolean \"{text}\" for \"{key}\" in {where}");
        }
    }

    /// <summary>Duration reads a Prometheus duration (<c>15s</c>, <c>1h30m</c>) or fails.</summary>
    public TimeSpan Duration(YamlNode node, string key, string where)
    {
        var text = String(node, key, where);
        if (!PrometheusDuration.TryParse(text, out var duration))
            throw Fail(node, key, $"invalid duration \"{text}\" for \"{key}\" in {where}: not a valid duration string (use e.g. 15s, 1m, 1h30m, 500ms)");
        return duration;
    }

    /// <summary>Int reads a non-negative integer or fails.</summary>
    public long Int(YamlNode node, string key, string where)
    {
        var text = String(node, key, where);
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw Fail(node, key, $"invalid integer \"{text}\" for \"{key}\" in {where}");
        return value;
    }
}
