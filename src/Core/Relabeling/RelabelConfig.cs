using System.Text.RegularExpressions;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Relabeling;

/// <summary>
/// RelabelConfig is one <c>relabel_configs</c>/<c>metric_relabel_configs</c> rule with Prometheus' defaults
/// (<c>action: replace</c>, <c>separator: ";"</c>, <c>regex: (.*)</c>, <c>replacement: $1</c>).
/// Call <see cref="Validate"/> after setting the fields.
/// </summary>
public sealed partial class RelabelConfig
{
    /// <summary>The default separator between source label values.</summary>
    public const string DefaultSeparator = ";";

    /// <summary>The default replacement, the first capture group.</summary>
    public const string DefaultReplacement = "$1";

    /// <summary>SourceLabels are the labels whose values are joined and matched.</summary>
    public IReadOnlyList<string> SourceLabels { get; init; } = [];

    /// <summary>Separator joins the source label values.</summary>
    public string Separator { get; init; } = DefaultSeparator;

    /// <summary>Regex is matched against the joined values (or label names for labelmap/labeldrop/labelkeep).</summary>
    public RelabelRegex Regex { get; init; } = RelabelRegex.Default;

    /// <summary>Modulus is the divisor for <see cref="RelabelAction.HashMod"/>.</summary>
    public ulong Modulus { get; init; }

    /// <summary>TargetLabel is the label written by replace, hashmod, lowercase and uppercase (may hold <c>$1</c> for replace).</summary>
    public string TargetLabel { get; init; } = "";

    /// <summary>Replacement is the template written by replace and labelmap.</summary>
    public string Replacement { get; init; } = DefaultReplacement;

    /// <summary>Action is what the rule does.</summary>
    public RelabelAction Action { get; init; } = RelabelAction.Replace;

    /// <summary>
    /// NameValidation decides which <c>target_label</c>/<c>labelmap</c> names are valid, here and when the rule
    /// runs (the job's <c>metric_name_validation_scheme</c>; Prometheus 3's default <c>utf8</c>).
    /// </summary>
    public NameValidationScheme NameValidation { get; init; } = NameValidationScheme.Utf8;

    /// <summary>ActionName is the YAML spelling of <paramref name="action"/> (<c>labelmap</c>, <c>keepequal</c>, ...).</summary>
    public static string ActionName(RelabelAction action) => action.ToString().ToLowerInvariant();

    /// <summary>TryParseAction reads an action name, case-insensitively, as Prometheus does.</summary>
    public static bool TryParseAction(string text, out RelabelAction action)
    {
        foreach (var candidate in Enum.GetValues<RelabelAction>())
        {
            if (string.Equals(ActionName(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                action = candidate;
                return true;
            }
        }
        action = default;
        return false;
    }

    /// <summary>Validate applies Prometheus' per-action rules (<c>relabel.Config.Validate</c>).</summary>
    /// <exception cref="ArgumentException">The rule is inconsistent; the message names the field.</exception>
    public void Validate()
    {
        var name = ActionName(Action);
        // Only these actions expand $1/${name}: others match whole values and can stay on the fast paths.
        if (Action is RelabelAction.Replace or RelabelAction.LabelMap) Regex.EnsureCapturing();
        foreach (var source in SourceLabels)
        {
            // Source labels are read as Prometheus 3 reads label names in YAML: any non-empty UTF-8.
            if (!NameEscaping.IsValidLabelName(source, NameValidationScheme.Utf8))
                throw new ArgumentException($"\"{source}\" is not a valid label name in 'source_labels'");
        }
        if (Action == RelabelAction.HashMod && Modulus == 0)
            throw new ArgumentException("relabel configuration for hashmod requires non-zero modulus");
        if (Action is RelabelAction.Replace or RelabelAction.HashMod or RelabelAction.Lowercase or RelabelAction.Uppercase
                or RelabelAction.KeepEqual or RelabelAction.DropEqual && TargetLabel.Length == 0)
            throw new ArgumentException($"relabel configuration for {name} action requires 'target_label' value");
        if (Action == RelabelAction.Replace && !IsTargetName(TargetLabel))
            throw new ArgumentException($"\"{TargetLabel}\" is invalid 'target_label' for {name} action");
        if (Action is RelabelAction.Lowercase or RelabelAction.Uppercase or RelabelAction.HashMod or RelabelAction.KeepEqual or RelabelAction.DropEqual
                && !IsLabelName(TargetLabel))
            throw new ArgumentException($"\"{TargetLabel}\" is invalid 'target_label' for {name} action");
        if (Action == RelabelAction.LabelMap && !IsTemplateName(Replacement))
            throw new ArgumentException($"\"{Replacement}\" is invalid 'replacement' for {name} action");
        if (Action is RelabelAction.Lowercase or RelabelAction.Uppercase && Replacement != DefaultReplacement)
            throw new ArgumentException($"'replacement' can not be set for {name} action");
        if (Action == RelabelAction.LabelMap && !IsLabelName(Replacement) && !TemplateLabelName().IsMatch(Replacement))
            throw new ArgumentException($"\"{Replacement}\" is invalid 'replacement' for {name} action");
        if (Action is RelabelAction.KeepEqual or RelabelAction.DropEqual &&
            (!Regex.IsDefault || Modulus != 0 || Separator != DefaultSeparator || Replacement != DefaultReplacement))
            throw new ArgumentException($"{name} action requires only 'source_labels' and 'target_label', and no other fields");
        if (Action is RelabelAction.LabelDrop or RelabelAction.LabelKeep &&
            (SourceLabels.Count > 0 || TargetLabel.Length > 0 || Modulus != 0 || Separator != DefaultSeparator || Replacement != DefaultReplacement))
            throw new ArgumentException($"{name} action requires only 'regex', and no other fields");
    }

    /// <summary>IsLabelName is true for a label name valid under this rule's <see cref="NameValidation"/>.</summary>
    internal bool IsLabelName(string name) => NameEscaping.IsValidLabelName(name, NameValidation);

    // A replace target: a plain label name, or (with $) a template that may expand to one.
    private bool IsTargetName(string target) => target.Contains('$') ? IsTemplateName(target) : IsLabelName(target);

    // A name that may hold $1/${name}: under utf8 any non-empty name, under legacy Prometheus' relabelTarget.
    private bool IsTemplateName(string name) =>
        NameValidation == NameValidationScheme.Legacy ? TemplateLabelName().IsMatch(name) : IsLabelName(name);

    // Prometheus' relabelTarget: a label name that may contain $1 / ${name} references.
    [GeneratedRegex(@"^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$", RegexOptions.CultureInvariant)]
    private static partial Regex TemplateLabelName();
}
