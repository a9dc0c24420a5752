using System.Text.Json.Nodes;

namespace FedFunctions.Infra.Tests;

/// <summary>ArmTemplateResource is one resource of a compiled template, with the template that declares it.</summary>
/// <param name="Type">The resource type, e.g. <c>Microsoft.Web/sites</c>.</param>
/// <param name="Node">The resource's JSON.</param>
/// <param name="Template">The (possibly nested) template the resource belongs to.</param>
public sealed record ArmTemplateResource(string Type, JsonObject Node, JsonObject Template)
{
    /// <summary>Properties is the resource's <c>properties</c> object.</summary>
    public JsonObject Properties => Node["properties"]?.AsObject() ?? throw new InvalidOperationException(Type + " has no properties");
}

/// <summary>ArmTemplate reads a compiled ARM template, descending into module (nested deployment) templates.</summary>
public sealed class ArmTemplate
{
    /// <summary>ArmTemplate parses <paramref name="json"/>, the output of <c>bicep build --stdout</c>.</summary>
    public ArmTemplate(string json)
    {
        Root = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidOperationException("template is not a JSON object");
        var resources = new List<ArmTemplateResource>();
        Collect(Root, resources);
        Resources = resources;
    }

    /// <summary>Root is the top-level template.</summary>
    public JsonObject Root { get; }

    /// <summary>Resources are all resources of the template and of its nested templates.</summary>
    public IReadOnlyList<ArmTemplateResource> Resources { get; }

    /// <summary>OfType returns every resource of type <paramref name="type"/> (case-insensitive).</summary>
    public IReadOnlyList<ArmTemplateResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>OnlyOfType returns the only resource of type <paramref name="type"/>.</summary>
    public ArmTemplateResource OnlyOfType(string type) => Assert.Single(OfType(type));

    /// <summary>AppSettings returns the function app's <c>siteConfig.appSettings</c> as name to value expression.</summary>
    public IReadOnlyDictionary<string, string> AppSettings()
    {
        var site = OnlyOfType("Microsoft.Web/sites");
        var settings = site.Properties["siteConfig"]?["appSettings"]?.AsArray() ?? throw new InvalidOperationException("no appSettings");
        return settings.Select(s => s!.AsObject()).ToDictionary(
            s => (string)s["name"]!,
            s => s["value"]?.GetValue<string>() ?? "",
            StringComparer.Ordinal);
    }

    private static void Collect(JsonObject template, List<ArmTemplateResource> into)
    {
        // Bicep emits an array, or an object keyed by symbolic name (languageVersion 2.0).
        var resources = template["resources"] switch
        {
            JsonArray array => array.Select(r => r!.AsObject()),
            JsonObject map => map.Select(kv => kv.Value!.AsObject()),
            _ => [],
        };
        foreach (var resource in resources)
        {
            if (resource["existing"]?.GetValue<bool>() == true) continue;
            var type = (string?)resource["type"] ?? throw new InvalidOperationException("resource without type");
            into.Add(new ArmTemplateResource(type, resource, template));
            if (type == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is JsonObject nested)
            {
                Collect(nested, into);
            }
        }
    }
}
