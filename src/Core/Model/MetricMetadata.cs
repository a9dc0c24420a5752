namespace FedFunctions.Core.Model;

/// <summary>
/// MetricMetadata is what a scrape said about one metric family: its TYPE, HELP and UNIT.
/// Prometheus drops this on federation; fed-functions keeps it and serves it.
/// </summary>
/// <param name="Name">The family name as written in the <c># TYPE</c>/<c># HELP</c> line.</param>
/// <param name="Type">The declared type; <see cref="MetricType.Unknown"/> when none was given.</param>
/// <param name="Help">The unescaped help text, or "".</param>
/// <param name="Unit">The unit (OpenMetrics), or "".</param>
public sealed record MetricMetadata(string Name, MetricType Type, string Help, string Unit);
