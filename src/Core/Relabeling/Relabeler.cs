using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Relabeling;

/// <summary>
/// Relabeler applies relabel rules in order to a label set, as Prometheus' <c>relabel.Process</c>: the
/// first rule that drops stops processing; setting a label to "" deletes it.
/// </summary>
internal static class Relabeler
{
    /// <summary>Process returns the relabeled set, or null when a rule dropped it.</summary>
    public static Labels? Process(Labels labels, IReadOnlyList<RelabelConfig> rules)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(rules);
        if (rules.Count == 0) return labels;
        var builder = new LabelsBuilder(labels);
        foreach (var rule in rules)
        {
            if (!Apply(builder, rule)) return null;
        }
        return builder.Build();
    }

    // Returns false when the rule drops the label set.
    private static bool Apply(LabelsBuilder builder, RelabelConfig rule)
    {
        var value = JoinSources(builder, rule);
        switch (rule.Action)
        {
            case RelabelAction.Drop:
                return !rule.Regex.IsMatch(value);
            case RelabelAction.Keep:
                return rule.Regex.IsMatch(value);
            case RelabelAction.DropEqual:
                return value != builder.Get(rule.TargetLabel);
            case RelabelAction.KeepEqual:
                return value == builder.Get(rule.TargetLabel);
            case RelabelAction.Replace:
                Replace(builder, rule, value);
                return true;
            case RelabelAction.Lowercase:
                builder.Set(rule.TargetLabel, value.ToLowerInvariant());
                return true;
            case RelabelAction.Uppercase:
                builder.Set(rule.TargetLabel, value.ToUpperInvariant());
                return true;
            case RelabelAction.HashMod:
                builder.Set(rule.TargetLabel, HashMod(value, rule.Modulus).ToString(CultureInfo.InvariantCulture));
                return true;
            case RelabelAction.LabelMap:
                foreach (var label in builder.Current.ToArray())
                {
                    if (rule.Regex.Match(label.Name) is { } match) builder.Set(rule.Regex.Expand(rule.Replacement, match), label.Value);
                }
                return true;
            case RelabelAction.LabelDrop:
                builder.RemoveWhere(label => rule.Regex.IsMatch(label.Name));
                return true;
            case RelabelAction.LabelKeep:
                builder.RemoveWhere(label => !rule.Regex.IsMatch(label.Name));
                return true;
            default:
                throw new InvalidOperationException($"unknown relabel action {rule.Action}");
        }
    }

    private static void Replace(LabelsBuilder builder, RelabelConfig rule, string value)
    {
        // Fast path from Prometheus: set or delete a fixed label without running the regex.
        if (value.Length == 0 && rule.Regex.IsDefault && !rule.TargetLabel.Contains('$') && !rule.Replacement.Contains('$'))
        {
            builder.Set(rule.TargetLabel, rule.Replacement);
            return;
        }
        if (rule.Regex.Match(value) is not { } match) return;
        var target = rule.Regex.Expand(rule.TargetLabel, match);
        if (!rule.IsLabelName(target)) return;
        builder.Set(target, rule.Regex.Expand(rule.Replacement, match));
    }

    private static string JoinSources(LabelsBuilder builder, RelabelConfig rule)
    {
        var sources = rule.SourceLabels;
        if (sources.Count == 0) return "";
        if (sources.Count == 1) return builder.Get(sources[0]);
        var sb = new StringBuilder();
        for (var i = 0; i < sources.Count; i++)
        {
            if (i > 0) sb.Append(rule.Separator);
            sb.Append(builder.Get(sources[i]));
        }
        return sb.ToString();
    }

    /// <summary>HashMod is Prometheus' hashmod: the last 8 bytes of the MD5 of <paramref name="value"/>, big-endian, modulo <paramref name="modulus"/>.</summary>
    public static ulong HashMod(string value, ulong modulus)
    {
        Span<byte> hash = stackalloc byte[16];
#pragma warning disable CA5351 // Not security: Prometheus defines hashmod with MD5, and sharding must match it.
        MD5.HashData(Encoding.UTF8.GetBytes(value), hash);
#pragma warning restore CA5351
        return BinaryPrimitives.ReadUInt64BigEndian(hash[8..]) % modulus;
    }
}
