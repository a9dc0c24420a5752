using System.Text.Json;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FedFunctions.Core.Discovery;

/// <summary>
/// TargetGroupParser reads the target group list shared by file and HTTP discovery,
/// <c>[{"targets": ["host:port", ...], "labels": {"name": "value"}}]</c>, in JSON or YAML, as strictly as
/// Prometheus' <c>targetgroup.Group</c>: unknown keys, null items and invalid label names are errors.
/// Each group gets the discovery's meta label (<c>__meta_filepath</c>, <c>__meta_url</c>) set on it.
/// </summary>
internal static class TargetGroupParser
{
    /// <summary>ParseJson reads a JSON list; a <see cref="FormatException"/> says what is wrong.</summary>
    public static IReadOnlyList<TargetGroup> ParseJson(ReadOnlySpan<byte> json, string source, string metaLabel, string metaValue)
    {
        JsonDocument document;
        try
        {
            var bytes = json.ToArray();
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"invalid JSON: {ex.Message}", ex);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array) throw new FormatException($"expected a JSON list of target groups, got {Kind(root)}");
            var groups = new List<TargetGroup>();
            var index = 0;
            foreach (var item in root.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Null) throw new FormatException("nil target group item found");
                if (item.ValueKind != JsonValueKind.Object) throw new FormatException($"target group {index}: expected an object, got {Kind(item)}");
                var targets = new List<Labels>();
                var labels = new List<Label>();
                foreach (var property in item.EnumerateObject())
                {
                    switch (property.Name)
                    {
                        case "targets":
                            if (property.Value.ValueKind == JsonValueKind.Null) break;
                            if (property.Value.ValueKind != JsonValueKind.Array) throw new FormatException($"target group {index}: \"targets\" must be a list of strings");
                            foreach (var target in property.Value.EnumerateArray())
                            {
                                if (target.ValueKind != JsonValueKind.String) throw new FormatException($"target group {index}: \"targets\" must be a list of strings");
                                targets.Add(Labels.Of(TargetBuilder.AddressLabel, target.GetString()!));
                            }
                            break;
                        case "labels":
                            if (property.Value.ValueKind == JsonValueKind.Null) break;
                            if (property.Value.ValueKind != JsonValueKind.Object) throw new FormatException($"target group {index}: \"labels\" must be an object of strings");
                            foreach (var label in property.Value.EnumerateObject())
                            {
                                if (label.Value.ValueKind != JsonValueKind.String) throw new FormatException($"target group {index}: label \"{label.Name}\" must be a string");
                                labels.Add(CheckedLabel(label.Name, label.Value.GetString()!, index));
                            }
                            break;
                        default: throw new FormatException($"target group {index}: unknown field \"{property.Name}\"");
                    }
                }
                groups.Add(Group(source, index, targets, labels, metaLabel, metaValue));
                index++;
            }
            return groups;
        }
    }

    /// <summary>ParseYaml reads a YAML list; a <see cref="FormatException"/> says what is wrong, with its line.</summary>
    public static IReadOnlyList<TargetGroup> ParseYaml(string yaml, string source, string metaLabel, string metaValue)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new FormatException($"line {ex.Start.Line}: invalid YAML: {ex.Message}", ex);
        }
        if (stream.Documents.Count == 0) return [];
        if (stream.Documents.Count > 1) throw new FormatException("expected a single YAML document");
        var root = stream.Documents[0].RootNode;
        if (YamlConfigReader.IsNull(root)) return [];
        if (root is not YamlSequenceNode list) throw new FormatException($"line {root.Start.Line}: expected a list of target groups");
        var groups = new List<TargetGroup>();
        for (var index = 0; index < list.Children.Count; index++)
        {
            var item = list.Children[index];
            if (YamlConfigReader.IsNull(item)) throw new FormatException($"line {item.Start.Line}: nil target group item found");
            if (item is not YamlMappingNode mapping) throw new FormatException($"line {item.Start.Line}: target group {index} must be a mapping");
            var targets = new List<Labels>();
            var labels = new List<Label>();
            foreach (var (keyNode, value) in mapping.Children)
            {
                switch ((keyNode as YamlScalarNode)?.Value)
                {
                    case "targets":
                        if (YamlConfigReader.IsNull(value)) break;
                        if (value is not YamlSequenceNode targetList) throw new FormatException($"line {value.Start.Line}: \"targets\" must be a list of strings");
                        foreach (var target in targetList.Children)
                            targets.Add(Labels.Of(TargetBuilder.AddressLabel, Scalar(target, "targets")));
                        break;
                    case "labels":
                        if (YamlConfigReader.IsNull(value)) break;
                        if (value is not YamlMappingNode labelMap) throw new FormatException($"line {value.Start.Line}: \"labels\" must be a mapping of strings");
                        foreach (var (name, labelValue) in labelMap.Children)
                            labels.Add(CheckedLabel(Scalar(name, "labels"), Scalar(labelValue, "labels"), index));
                        break;
                    default: throw new FormatException($"line {keyNode.Start.Line}: unknown field \"{keyNode}\" in target group {index}");
                }
            }
            groups.Add(Group(source, index, targets, labels, metaLabel, metaValue));
        }
        return groups;

        static string Scalar(YamlNode node, string key) => node is YamlScalarNode scalar
            ? (YamlConfigReader.IsNull(node) ? "" : scalar.Value ?? "")
            : throw new FormatException($"line {node.Start.Line}: \"{key}\" must hold strings");
    }

    // Label names as Prometheus 3 reads any label set: UTF-8 allowed; the meta label overrides the file's own.
    private static Label CheckedLabel(string name, string value, int index) =>
        NameEscaping.IsValidLabelName(name, NameValidationScheme.Utf8)
            ? new Label(name, value)
            : throw new FormatException($"target group {index}: \"{name}\" is not a valid label name");

    private static TargetGroup Group(string source, int index, List<Labels> targets, List<Label> labels, string metaLabel, string metaValue)
    {
        // A repeated name keeps its last value, as decoding into Go's map does.
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in labels) byName[label.Name] = label.Value;
        byName[metaLabel] = metaValue;
        return new TargetGroup($"{source}:{index}", targets, Labels.From(byName.Select(kv => new Label(kv.Key, kv.Value))));
    }

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();
}
