using System.Text;
using FedFunctions.Core.Model;
using FedFunctions.Core.Relabeling;

namespace FedFunctions.Core.Configuration;

/// <summary>
/// TargetBuilder turns a job's static configs into <see cref="ScrapeTarget"/>s the way Prometheus'
/// <c>PopulateLabels</c> does: seed <c>__address__</c>, the group labels, <c>job</c> and the
/// <c>__scheme__</c>/<c>__metrics_path__</c>/<c>__param_*</c> meta labels, then derive the URL and the
/// <c>instance</c> label after <c>relabel_configs</c>, and finally drop every label starting with <c>__</c>.
/// </summary>
internal static class TargetBuilder
{
    private const string AddressLabel = "__address__";
    private const string SchemeLabel = "__scheme__";
    private const string MetricsPathLabel = "__metrics_path__";
    private const string ParamPrefix = "__param_";

    /// <summary>Build returns the job's targets; targets that relabeling drops are added to <paramref name="dropped"/>.</summary>
    public static IReadOnlyList<ScrapeTarget> Build(YamlConfigReader reader, ScrapeJobConfig job, List<DroppedTarget> dropped)
    {
        var result = new List<ScrapeTarget>();
        var seen = new Dictionary<Labels, (Uri Url, string Address)>();
        foreach (var group in job.StaticConfigs)
        {
            foreach (var address in group.Targets)
            {
                var builder = new LabelsBuilder(group.Labels);
                builder.Set(AddressLabel, address);
                SetIfAbsent(builder, "job", job.JobName);
                SetIfAbsent(builder, SchemeLabel, job.Scheme);
                SetIfAbsent(builder, MetricsPathLabel, job.MetricsPath);
                foreach (var (name, values) in job.Params)
                {
                    if (values.Count > 0) SetIfAbsent(builder, ParamPrefix + name, values[0]);
                }

                // relabel_configs see the meta labels; a dropped target is not scraped, only listed.
                var discovered = builder.Build();
                if (Relabeler.Process(discovered, job.RelabelConfigs) is not { } relabeled)
                {
                    dropped.Add(new DroppedTarget(job, discovered));
                    continue;
                }
                var target = Finish(relabeled, discovered, job, out var error);
                if (target is null)
                    throw new ConfigException($"{reader.SourceName}:{group.Line}: invalid target \"{address}\" in job \"{job.JobName}\": {error}", group.Line, "static_configs");
                if (!seen.TryGetValue(target.Labels, out var earlier))
                {
                    seen.Add(target.Labels, (target.Url, address));
                    result.Add(target);
                }
                else if (earlier.Url != target.Url)
                {
                    // Two targets with one label set would overwrite each other's snapshot on every scrape.
                    throw new ConfigException(
                        $"{reader.SourceName}:{group.Line}: targets \"{earlier.Address}\" and \"{address}\" in job \"{job.JobName}\" end up with the same labels {target.Labels}; give them distinct labels (for example their own instance)",
                        group.Line, "static_configs");
                }
            }
        }
        return result;
    }

    /// <summary>Finish derives URL and public labels from a relabeled (meta) label set; null with a reason when invalid.</summary>
    internal static ScrapeTarget? Finish(Labels labels, Labels discovered, ScrapeJobConfig job, out string error)
    {
        error = "";
        var address = labels.Get(AddressLabel);
        if (address.Length == 0) { error = "no address"; return null; }
        if (!TargetAddress.IsValid(address, out var reason)) { error = reason; return null; }
        var scheme = labels.Get(SchemeLabel);
        if (scheme is not ("http" or "https")) { error = $"invalid scheme \"{scheme}\" (must be http or https)"; return null; }
        var path = labels.Get(MetricsPathLabel);
        if (!path.StartsWith('/')) path = "/" + path;

        var url = new StringBuilder().Append(scheme).Append("://").Append(address).Append(path);
        AppendQuery(url, labels, job.Params);
        if (!Uri.TryCreate(url.ToString(), UriKind.Absolute, out var uri)) { error = $"invalid URL \"{url}\""; return null; }

        var publicLabels = new List<Label>(labels.Count);
        var hasInstance = false;
        foreach (var label in labels.AsSpan())
        {
            if (label.Name.StartsWith("__", StringComparison.Ordinal)) continue;
            if (label.Name == "instance") hasInstance = true;
            publicLabels.Add(label);
        }
        if (!hasInstance) publicLabels.Add(new Label("instance", address));
        return new ScrapeTarget(job, uri, Labels.From(publicLabels)) { DiscoveredLabels = discovered };
    }

    // Query from config params where a __param_<k> label replaces the first value of <k> or adds it;
    // keys sorted as Go's url.Values.Encode does.
    private static void AppendQuery(StringBuilder url, Labels labels, IReadOnlyDictionary<string, IReadOnlyList<string>> parameters)
    {
        var query = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, values) in parameters) query[name] = [.. values];
        foreach (var label in labels.AsSpan())
        {
            if (!label.Name.StartsWith(ParamPrefix, StringComparison.Ordinal)) continue;
            var name = label.Name[ParamPrefix.Length..];
            if (query.TryGetValue(name, out var values) && values.Count > 0) values[0] = label.Value;
            else query[name] = [label.Value];
        }
        var first = true;
        foreach (var (name, values) in query)
        {
            foreach (var value in values)
            {
                url.Append(first ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
                first = false;
            }
        }
    }

    private static void SetIfAbsent(LabelsBuilder builder, string name, string value)
    {
        if (builder.Get(name).Length == 0) builder.Set(name, value);
    }
}
