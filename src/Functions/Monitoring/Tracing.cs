using System.Diagnostics;

namespace FedFunctions.Functions.Monitoring;

/// <summary>
/// Tracing is the app's <see cref="ActivitySource"/>: one span per scrape run (<c>scrape run</c>) and one per
/// <c>/federate</c> request (<c>federate</c>), with a few bounded tags (trigger, outcome, counts, status code),
/// never a tag per target or series. Per-target detail goes to the logs. Spans are created only when someone
/// listens (OpenTelemetry when Application Insights is configured, or a test's <see cref="ActivityListener"/>).
/// </summary>
internal static class Tracing
{
    /// <summary>SourceName ("FedFunctions") is what an OpenTelemetry tracer subscribes to.</summary>
    public const string SourceName = "FedFunctions";

    public static readonly ActivitySource Source = new(SourceName);
}
