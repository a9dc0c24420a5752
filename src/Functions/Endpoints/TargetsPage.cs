using System.Globalization;
using System.Net;
using System.Text;
using FedFunctions.Core.Targets;

namespace FedFunctions.Functions.Endpoints;

/// <summary>
/// TargetsPage renders the <c>/targets</c> page: one self-contained HTML document (CSS inline, no script, no
/// external assets), targets grouped by job with endpoint, state, labels, last scrape age, duration and the last
/// error, up counts per job, and links that filter by health (they work without JavaScript). Every piece of
/// user data (labels, URLs, errors, job names) is HTML-encoded. Wide screens get a table; narrow ones stack each
/// target into a card.
/// </summary>
internal static class TargetsPage
{
    /// <summary>The health filters the page offers: query value and link text.</summary>
    public static readonly (string Value, string Text)[] Filters = [("", "All"), ("unhealthy", "Unhealthy"), ("up", "Up"), ("down", "Down"), ("unknown", "Unknown")];

    /// <summary>Whether <paramref name="health"/> passes the filter <paramref name="filter"/> (a value of <see cref="Filters"/>; others show all).</summary>
    public static bool Passes(TargetHealth health, string filter) => filter switch
    {
        "unhealthy" => health != TargetHealth.Up,
        "up" => health == TargetHealth.Up,
        "down" => health == TargetHealth.Down,
        "unknown" => health == TargetHealth.Unknown,
        _ => true,
    };

    public static string Render(TargetsStatus status, string filter, string? pool, DateTimeOffset now, HostString host)
    {
        filter = Filters.Any(f => f.Value == filter) ? filter : "";
        var html = new StringBuilder(16 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>Targets · fed-functions</title>\n<style>").Append(Css).Append("</style>\n</head>\n<body>\n");

        var up = status.Active.Count(t => t.Health == TargetHealth.Up);
        var down = status.Active.Count(t => t.Health == TargetHealth.Down);
        var unknown = status.Active.Count - up - down;
        html.Append("<header>\n<h1>Targets</h1>\n<p class=\"summary\" id=\"summary\">")
            .Append(CultureInfo.InvariantCulture, $"{status.Active.Count} targets: {up} up, {down} down, {unknown} unknown; {status.DroppedTotal} dropped by relabeling")
            .Append("</p>\n<nav class=\"filters\" aria-label=\"Filter by health\">");
        foreach (var (value, text) in Filters)
        {
            var href = "?" + (value.Length == 0 ? "" : "health=" + value) + (pool is null ? "" : (value.Length == 0 ? "" : "&") + "pool=" + Uri.EscapeDataString(pool));
            html.Append("<a href=\"").Append(Encode(href == "?" ? "?" : href)).Append('"')
                .Append(value == filter ? " aria-current=\"page\" class=\"current\"" : "")
                .Append(" id=\"filter-").Append(value.Length == 0 ? "all" : value).Append("\">").Append(text).Append("</a>");
        }
        html.Append("</nav>\n</header>\n<main>\n");

        var pools = status.Active.GroupBy(t => t.Target.ScrapePool, StringComparer.Ordinal)
            .Where(g => pool is null || g.Key == pool).ToList();
        var shown = 0;
        foreach (var group in pools)
        {
            var targets = group.Where(t => Passes(t.Health, filter)).ToList();
            if (targets.Count == 0) continue;
            shown++;
            var poolUp = group.Count(t => t.Health == TargetHealth.Up);
            var poolDropped = status.Dropped.Count(d => d.ScrapePool == group.Key);
            html.Append("<section class=\"pool\" data-pool=\"").Append(Encode(group.Key)).Append("\">\n<h2>")
                .Append(Encode(group.Key)).Append(" <span class=\"count")
                .Append(poolUp == group.Count() ? " all-up" : " some-down").Append("\">")
                .Append(CultureInfo.InvariantCulture, $"{poolUp} / {group.Count()} up").Append("</span>");
            if (poolDropped > 0) html.Append(CultureInfo.InvariantCulture, $" <span class=\"dropped\">{poolDropped} dropped</span>");
            html.Append("</h2>\n<table>\n<thead><tr><th>Endpoint</th><th>State</th><th>Labels</th><th>Last scrape</th><th>Duration</th><th>Error</th></tr></thead>\n<tbody>\n");
            foreach (var target in targets) AppendTarget(html, target, now, host);
            html.Append("</tbody>\n</table>\n</section>\n");
        }
        if (shown == 0)
        {
            html.Append("<p class=\"empty\" id=\"empty\">")
                .Append(status.Active.Count == 0 ? "No targets listed yet: the list is stored by the first scrape run." : "No targets match this filter.")
                .Append("</p>\n");
        }
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendTarget(StringBuilder html, ActiveTargetStatus status, DateTimeOffset now, HostString host)
    {
        var target = status.Target;
        var health = TargetsApiEndpoint.HealthText(status.Health);
        html.Append("<tr class=\"target ").Append(health).Append("\" data-health=\"").Append(health).Append("\">")
            .Append("<td data-label=\"Endpoint\" class=\"endpoint\"><a href=\"").Append(Encode(TargetsQuery.GlobalUrl(target.ScrapeUrl, host))).Append("\">")
            .Append(Encode(target.ScrapeUrl)).Append("</a></td>")
            .Append("<td data-label=\"State\"><span class=\"badge ").Append(health).Append("\">").Append(health.ToUpperInvariant()).Append("</span></td>")
            .Append("<td data-label=\"Labels\" class=\"labels\">");
        foreach (var label in target.Labels.AsSpan())
            html.Append("<span class=\"label\">").Append(Encode(label.Name)).Append("=\"").Append(Encode(label.Value)).Append("\"</span> ");
        html.Append("</td>")
            .Append("<td data-label=\"Last scrape\" class=\"age\">").Append(status.LastScrape is { } at ? Encode(Age(now - at)) + " ago" : "never").Append("</td>")
            .Append("<td data-label=\"Duration\" class=\"duration\">").Append(status.LastScrape is null ? "" : Seconds(status.LastScrapeDurationSeconds)).Append("</td>")
            .Append("<td data-label=\"Error\" class=\"error\">").Append(Encode(status.LastError)).Append("</td></tr>\n");
    }

    /// <summary>A short age: <c>850ms</c>, <c>12.3s</c>, <c>4m 5s</c>, <c>2h 3m</c>, <c>3d 4h</c>.</summary>
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero) age = TimeSpan.Zero;
        return age.TotalSeconds switch
        {
            < 1 => $"{(int)age.TotalMilliseconds}ms",
            < 60 => age.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s",
            < 3600 => $"{(int)age.TotalMinutes}m {age.Seconds}s",
            < 86400 => $"{(int)age.TotalHours}h {age.Minutes}m",
            _ => $"{(int)age.TotalDays}d {age.Hours}h",
        };
    }

    private static string Seconds(double seconds) => seconds < 1
        ? (seconds * 1000).ToString("0.0", CultureInfo.InvariantCulture) + "ms"
        : seconds.ToString("0.000", CultureInfo.InvariantCulture) + "s";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private const string Css = """

        :root { color-scheme: light dark; --up: #1a7f37; --down: #cf222e; --unknown: #6e7781; --line: #d0d7de; --muted: #57606a; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        header, main { padding: 0 16px; max-width: 1600px; margin: 0 auto; }
        h1 { font-size: 1.5rem; margin: 16px 0 4px; }
        h2 { font-size: 1.15rem; margin: 24px 0 8px; overflow-wrap: anywhere; }
        .summary { color: var(--muted); margin: 0 0 8px; }
        .filters { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 8px; }
        .filters a { padding: 6px 12px; border: 1px solid var(--line); border-radius: 16px; text-decoration: none; color: inherit; }
        .filters a.current { background: #0969da; border-color: #0969da; color: #fff; }
        .count { font-size: .85rem; font-weight: 600; padding: 2px 8px; border-radius: 10px; color: #fff; background: var(--up); }
        .count.some-down { background: var(--down); }
        .dropped { font-size: .85rem; font-weight: normal; color: var(--muted); }
        table { width: 100%; border-collapse: collapse; table-layout: auto; }
        th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
        th { font-size: .85rem; color: var(--muted); }
        td.endpoint, td.error { overflow-wrap: anywhere; }
        td.error { color: var(--down); }
        .badge { display: inline-block; font-size: .8rem; font-weight: 700; padding: 1px 8px; border-radius: 10px; color: #fff; }
        .badge.up { background: var(--up); } .badge.down { background: var(--down); } .badge.unknown { background: var(--unknown); }
        .label { display: inline-block; font: .8rem ui-monospace, SFMono-Regular, Menlo, monospace; background: rgba(127,127,127,.15); border-radius: 4px; padding: 1px 5px; margin: 1px 0; overflow-wrap: anywhere; }
        .empty { color: var(--muted); }
        @media (max-width: 720px) {
          table, thead, tbody, tr, td { display: block; width: 100%; }
          thead { display: none; }
          tr.target { border: 1px solid var(--line); border-radius: 8px; margin-bottom: 10px; padding: 4px 0; }
          td { border: 0; padding: 3px 10px; }
          td::before { content: attr(data-label); display: block; font-size: .75rem; color: var(--muted); }
          td:empty { display: none; }
        }

        """;
}
