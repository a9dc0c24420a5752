using System.Text.Json.Serialization;
using FedFunctions.Core.Ingestion;

namespace FedFunctions.Functions.Hosting;

/// <summary>How one scrape run went: its summary when it ran, and the error when it failed.</summary>
/// <param name="Summary">The run's counts; null when storage could not be read at all.</param>
/// <param name="Error">Why the run failed; null when it succeeded (target failures alone do not fail it).</param>
internal sealed record ScrapeOutcome(ScrapeSummary? Summary, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>The counts of one scrape run, as <c>POST /-/scrape</c> answers them.</summary>
internal sealed record ScrapeSummary(
    int TargetsScraped,
    int TargetsUp,
    int TargetsDown,
    int TargetsNotDue,
    int SnapshotsWritten,
    long SeriesWritten,
    int TargetsDeleted,
    int TargetsSkipped,
    string? Interruption,
    double DurationSeconds,
    IReadOnlyList<string> ScrapeErrors)
{
    /// <summary>ShardsSent is how many shard messages the run sent to the queue (fan-out); their targets are scraped by workers.</summary>
    public int ShardsSent { get; init; }

    /// <summary>TargetsSent is how many due targets those shard messages carry.</summary>
    public int TargetsSent { get; init; }

    /// <summary>At most this many target errors are listed; the log has them all.</summary>
    private const int MaxErrors = 20;

    public static ScrapeSummary From(ScrapeCycleResult result) => new(
        result.TargetsScraped,
        result.TargetsScraped - result.TargetsFailed,
        result.TargetsFailed,
        result.TargetsNotDue,
        result.SnapshotsWritten,
        result.SeriesWritten,
        result.TargetsDeleted,
        result.TargetsSkipped,
        result.Interruption,
        Math.Round(result.Duration.TotalSeconds, 3),
        result.ScrapeErrors.Take(MaxErrors).ToList())
    {
        ShardsSent = result.ShardsSent,
        TargetsSent = result.TargetsSent,
    };
}

/// <summary>Source-generated JSON (camelCase) for the scrape answers.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ScrapeOutcome))]
[JsonSerializable(typeof(ScrapeSummary))]
internal sealed partial class ScrapeJsonContext : JsonSerializerContext;
