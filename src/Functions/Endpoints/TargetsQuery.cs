using FedFunctions.Core.Targets;

namespace FedFunctions.Functions.Endpoints;

/// <summary>
/// TargetsQuery applies the targets API's <c>state</c> and <c>scrapePool</c> parameters as Prometheus does
/// (<c>web/api/v1/api.go</c>): <c>state</c> is lower-cased; empty or <c>any</c> lists both, <c>active</c> only the
/// active targets, <c>dropped</c> only the dropped ones, anything else neither; <c>scrapePool</c> keeps one pool.
/// </summary>
internal sealed record TargetsQuery(bool Active, bool Dropped, string? Pool)
{
    public static TargetsQuery From(IQueryCollection query)
    {
        var state = query["state"].ToString().ToLowerInvariant();
        var pool = query["scrapePool"].ToString();
        return new TargetsQuery(
            state is "" or "any" or "active",
            state is "" or "any" or "dropped",
            pool.Length == 0 ? null : pool);
    }

    public IEnumerable<ActiveTargetStatus> Select(IEnumerable<ActiveTargetStatus> active) =>
        Active ? active.Where(t => Pool is null || t.Target.ScrapePool == Pool) : [];

    public IEnumerable<ListedDroppedTarget> Select(IEnumerable<ListedDroppedTarget> dropped) =>
        Dropped ? dropped.Where(t => Pool is null || t.ScrapePool == Pool) : [];

    /// <summary>
    /// GlobalUrl is the scrape URL as seen from outside, like Prometheus' <c>globalUrl</c>: a loopback host
    /// (<c>localhost</c>, <c>127.0.0.1</c>, <c>::1</c>) is replaced by the host this request was addressed to, the
    /// port kept (Prometheus uses its external URL's host; this app has none but the address it is reached at).
    /// </summary>
    public static string GlobalUrl(string scrapeUrl, HostString requestHost)
    {
        if (!Uri.TryCreate(scrapeUrl, UriKind.Absolute, out var url) || !requestHost.HasValue) return scrapeUrl;
        if (url.Host is not ("localhost" or "127.0.0.1" or "[::1]")) return scrapeUrl;
        var host = requestHost.Host;
        if (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[')) host = "[" + host + "]";
        return new UriBuilder(url) { Host = host }.Uri.AbsoluteUri;
    }
}
