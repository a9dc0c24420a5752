using FedFunctions.Core.Model;
using YamlDotNet.RepresentationModel;

namespace FedFunctions.Core.Configuration;

/// <summary>
/// NameSchemes resolves <c>metric_name_validation_scheme</c> and <c>metric_name_escaping_scheme</c> of the
/// global section and of each job as Prometheus 3 does (<c>GlobalConfig.UnmarshalYAML</c>,
/// <c>ScrapeConfig.Validate</c>): a blank validation is <c>utf8</c> globally and the global one in a job; a
/// blank escaping follows the validation (<c>allow-utf-8</c> for utf8, <c>underscores</c> for legacy), or in a
/// job that sets no validation, the global escaping; <c>allow-utf-8</c> with <c>legacy</c> is an error.
/// </summary>
internal static class NameSchemes
{
    public const string ValidationKey = "metric_name_validation_scheme";
    public const string EscapingKey = "metric_name_escaping_scheme";

    private const string EscapingChoices = "must be one of 'allow-utf-8', 'underscores', 'dots', or 'values'";

    /// <summary>The keys as read from one section: null where the key is absent or blank.</summary>
    public sealed class Raw
    {
        public NameValidationScheme? Validation { get; set; }
        public YamlNode? ValidationNode { get; set; }
        public string? Escaping { get; set; }
        public YamlNode? EscapingNode { get; set; }
    }

    /// <summary>Reads one of the two keys into <paramref name="raw"/>; false when <paramref name="key"/> is neither.</summary>
    public static bool TryRead(YamlConfigReader reader, string key, YamlNode value, string where, Raw raw)
    {
        if (key == ValidationKey)
        {
            var text = reader.String(value, key, where);
            raw.ValidationNode = value;
            raw.Validation = text switch
            {
                "" => null, // as ValidationScheme.Set: blank leaves it unset
                "utf8" => NameValidationScheme.Utf8,
                "legacy" => NameValidationScheme.Legacy,
                _ => throw reader.Fail(value, key, $"unrecognized ValidationScheme: \"{text}\" in {where}"),
            };
            return true;
        }
        if (key == EscapingKey)
        {
            var text = reader.String(value, key, where);
            raw.EscapingNode = value;
            raw.Escaping = text.Length == 0 ? null : text;
            return true;
        }
        return false;
    }

    /// <summary>The global schemes: validation defaults to utf8, escaping follows it.</summary>
    public static (NameValidationScheme Validation, NameEscapingScheme Escaping) ResolveGlobal(YamlConfigReader reader, Raw raw)
    {
        var validation = raw.Validation ?? NameValidationScheme.Utf8;
        if (raw.Escaping is null) return (validation, Following(validation));
        if (!NameEscaping.TryParse(raw.Escaping, out var escaping))
            throw reader.Fail(raw.EscapingNode!, EscapingKey, $"unknown global name escaping method specified, {EscapingChoices}, got \"{raw.Escaping}\"");
        return (validation, escaping);
    }

    /// <summary>A job's schemes, inheriting from <paramref name="global"/> as Prometheus 3 does.</summary>
    public static (NameValidationScheme Validation, NameEscapingScheme Escaping) ResolveJob(
        YamlConfigReader reader, Raw raw, GlobalConfig global, YamlNode jobNode, string where)
    {
        var validation = raw.Validation ?? global.NameValidation;
        NameEscapingScheme escaping;
        if (raw.Escaping is null)
        {
            escaping = raw.Validation is null ? global.NameEscaping : Following(validation);
        }
        else if (!NameEscaping.TryParse(raw.Escaping, out escaping))
        {
            throw reader.Fail(raw.EscapingNode!, EscapingKey, $"unknown scrape config name escaping method specified, {EscapingChoices}, got \"{raw.Escaping}\" in {where}");
        }
        if (escaping == NameEscapingScheme.AllowUtf8 && validation != NameValidationScheme.Utf8)
        {
            // Point at whichever key made the combination: the job's own, else the job itself (it inherited both).
            var node = raw.EscapingNode ?? raw.ValidationNode ?? jobNode;
            var key = raw.EscapingNode is not null ? EscapingKey : raw.ValidationNode is not null ? ValidationKey : EscapingKey;
            throw reader.Fail(node, key, $"utf8 metric names requested but validation scheme is not set to UTF8 in {where}");
        }
        return (validation, escaping);
    }

    private static NameEscapingScheme Following(NameValidationScheme validation) =>
        validation == NameValidationScheme.Legacy ? NameEscapingScheme.Underscores : NameEscapingScheme.AllowUtf8;
}
