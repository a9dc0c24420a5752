using FedFunctions.Core.Model;
using FedFunctions.Core.Relabeling;
using YamlDotNet.RepresentationModel;

namespace FedFunctions.Core.Configuration;

internal static partial class FederationConfigParser
{
    private static List<RelabelConfig> ParseRelabelConfigs(YamlConfigReader reader, YamlNode node, string key, string where,
        NameValidationScheme validation)
    {
        var rules = new List<RelabelConfig>();
        var items = reader.Sequence(node, key, where);
        for (var i = 0; i < items.Count; i++) rules.Add(ParseRelabelConfig(reader, items[i], $"{where}.{key}[{i}]", validation));
        return rules;
    }

    private static RelabelConfig ParseRelabelConfig(YamlConfigReader reader, YamlNode node, string where, NameValidationScheme validation)
    {
        if (node is not YamlMappingNode) throw reader.Fail(node, null, $"{where} must be a mapping");
        var sources = new List<string>();
        string separator = RelabelConfig.DefaultSeparator, target = "", replacement = RelabelConfig.DefaultReplacement;
        var regex = RelabelRegex.Default;
        ulong modulus = 0;
        var action = RelabelAction.Replace;
        foreach (var (key, keyNode, value) in reader.Mapping(node, where, "relabel configs"))
        {
            switch (key)
            {
                case "source_labels":
                    foreach (var item in reader.Sequence(value, key, where)) sources.Add(reader.String(item, key, where));
                    break;
                case "separator": separator = reader.String(value, key, where); break;
                case "target_label": target = reader.String(value, key, where); break;
                case "replacement": replacement = reader.String(value, key, where); break;
                case "modulus": modulus = (ulong)reader.Int(value, key, where); break;
                case "regex":
                    var pattern = reader.String(value, key, where);
                    try
                    {
                        regex = new RelabelRegex(pattern);
                    }
                    catch (ArgumentException ex)
                    {
                        throw reader.Fail(value, key, $"{ex.Message} in {where}");
                    }
                    break;
                case "action":
                    var text = reader.String(value, key, where);
                    if (!RelabelConfig.TryParseAction(text, out action))
                        throw reader.Fail(value, key, $"unknown relabel action \"{text}\" in {where}");
                    break;
                default: throw reader.Fail(keyNode, key, $"unknown key \"{key}\" in {where}");
            }
        }

        var rule = new RelabelConfig
        {
            SourceLabels = sources, Separator = separator, Regex = regex, Modulus = modulus,
            TargetLabel = target, Replacement = replacement, Action = action, NameValidation = validation,
        };
        try
        {
            rule.Validate();
        }
        catch (ArgumentException ex)
        {
            throw reader.Fail(node, "action", $"{ex.Message} in {where}");
        }
        return rule;
    }
}
