using System.Text;
using FedFunctions.Core.Model;
using FedFunctions.Core.Relabeling;

namespace FedFunctions.Core.Configuration;

/// <summary>
/// TargetBuilder turns target groups into <see cref="ScrapeTarget"/>s the way Prometheus'
/// <c>PopulateLabels</c> does: seed the target's labels, the group labels, <c>job</c> and the
/// <c>__scrape_interval__</c>/<c>__scrape_timeout__</c>/<c>__scheme__</c>/<c>__metrics_path__</c>/<c>__param_*</c>
/// meta labels, run <c>relabel_configs</c>, then derive the URL, interval, timeout and <c>instance</c>, and
/// finally drop every label starting with <c>__</c>. Static groups go through it at load (a bad one fails
/// the load); discovered groups at every scrape run (a bad target is skipped and reported).
/// </summary>
internal static class TargetBuilder
{
    internal const string AddressLabel = "__address__";
    private const string SchemeLabel = "__scheme__";
    private const string MetricsPathLabel = "__metrics_path__";
    private const string ScrapeIntervalLabel = "__scrape_interval__";
    private const string ScrapeTimeoutLabel = "__scrape_timeout__";
    private const string ParamPrefix = "__param_";

    /// <summary>Build returns the job's static targets; targets that relabeling drops are added to <paramref name="dropped"/>.</summary>
    /// <exception cref="ConfigException">A static target is invalid after relabeling, or two end up with the same labels.</exception>
    public static IReadOnlyList<ScrapeTarget> Build(YamlConfigReader reader, ScrapeJobConfig job, List<DroppedTarget> dropped)
    {
        var targets = new JobTargets(job);
        foreach (var group in job.StaticConfigs)
        {
            foreach (var address in group.Targets)
            {
                var outcome = Populate(Labels.Of(AddressLabel, address), group.Labels, job);
                if (outcome.Error is { } error)
                    throw new ConfigException($"{reader.SourceName}:{group.Line}: invalid target \"{address}\" in job \"{job.JobName}\": {error}", group.Line, "static_configs");
                if (!targets.Add(outcome, out var clash))
                    throw new ConfigException($"{reader.SourceName}:{group.Line}: {JobTargets.ClashMessage(clash!, address)}", group.Line, "static_configs");
            }
        }
        dropped.AddRange(targets.Dropped);
        return targets.Active;
    }

    /// <summary>
    /// Populate builds one target from its own labels (<c>__address__</c> and any discovery labels) and its
    /// group's labels: an active target, a dropped one (no target, no error) or an invalid one (an error).
    /// </summary>
    public static TargetOutcome Populate(Labels targetLabels, Labels groupLabels, ScrapeJobConfig job)
    {
        var builder = new LabelsBuilder(targetLabels);
        foreach (var label in groupLabels.AsSpan()) SetIfAbsent(builder, label.Name, label.Value);
        SetIfAbsent(builder, "job", job.JobName);
        SetIfAbsent(builder, ScrapeIntervalLabel, PrometheusDuration.Format(job.ScrapeInterval));
        SetIfAbsent(builder, ScrapeTimeoutLabel, PrometheusDuration.Format(job.ScrapeTimeout));
        SetIfAbsent(builder, MetricsPathLabel, job.MetricsPath);
        SetIfAbsent(builder, SchemeLabel, job.Scheme);
        foreach (var (name, values) in job.Params)
        {
            if (values.Count > 0) SetIfAbsent(builder, ParamPrefix + name, values[0]);
        }

        // relabel_configs see the meta labels; a dropped target is not scraped, only listed.
        var discovered = builder.Build();
        if (Relabeler.Process(discovered, job.RelabelConfigs) is not { } relabeled) return new TargetOutcome(null, discovered, null);
        var target = Finish(relabeled, discovered, job, out var error);
        return new TargetOutcome(target, discovered, target is null ? error : null);
    }

    /// <summary>Finish derives URL, interval, timeout and public labels from a relabeled (meta) label set; null with a reason when invalid.</summary>
    internal static ScrapeTarget? Finish(Labels labels, Labels discovered, ScrapeJobConfig job, out string error)
    {
        error = "";
        var address = labels.Get(AddressLabel);
        if (address.Length == 0) { error = "no address"; return null; }
        if (!TargetAddress.IsValid(address, out var reason)) { error = reason; return null; }
        if (!TryReadTiming(labels, out var interval, out var timeout, out error)) return null;
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
        return new ScrapeTarget(job, uri, Labels.From(publicLabels))
        {
            DiscoveredLabels = discovered, ScrapeInterval = interval, ScrapeTimeout = timeout,
        };
    }

    // __scrape_interval__ and __scrape_timeout__ after relabeling, with PopulateLabels' checks and messages.
    private static bool TryReadTiming(Labels labels, out TimeSpan interval, out TimeSpan timeout, out string error)
    {
        timeout = TimeSpan.Zero;
        error = "";
        var intervalText = labels.Get(ScrapeIntervalLabel);
        if (!PrometheusDuration.TryParse(intervalText, out interval))
        {
            error = $"error parsing scrape interval: not a valid duration string: \"{intervalText}\"";
            return false;
        }
        if (interval == TimeSpan.Zero) { error = "scrape interval cannot be 0"; return false; }
        var timeoutText = labels.Get(ScrapeTimeoutLabel);
        if (!PrometheusDuration.TryParse(timeoutText, out timeout))
        {
            error = $"error parsing scrape timeout: not a valid duration string: \"{timeoutText}\"";
            return false;
        }
        if (timeout == TimeSpan.Zero) { error = "scrape timeout cannot be 0"; return false; }
        if (timeout > interval)
        {
            error = $"scrape timeout cannot be greater than scrape interval (\"{timeoutText}\" > \"{intervalText}\")";
            return false;
        }
        return true;
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

/// <summary>TargetOutcome is one target after relabeling: active (<see cref="Target"/>), dropped (neither) or invalid (<see cref="Error"/>).</summary>
internal readonly record struct TargetOutcome(ScrapeTarget? Target, Labels Discovered, string? Error);
