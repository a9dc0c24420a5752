namespace FedFunctions.Functions.Cost;

/// <summary>
/// CostRates are the published prices the cost model uses, all in this one place (USD, standard LRS, GPv2,
/// East US, Flex Consumption on demand), with where each comes from and whether it was confirmed. Taken from
/// the project's reference notes (<c>shared/reference/azure-scale.md</c> §3.4 and §5.1) on <see cref="AsOf"/>;
/// re-check them with the Azure Retail Prices API before quoting a figure. <c>docs/cost.md</c> lists the same
/// table (a test keeps the two in step).
/// </summary>
internal static class CostRates
{
    /// <summary>AsOf is when these rates were taken from the reference notes.</summary>
    public static readonly DateOnly AsOf = new(2026, 11, 27);

    /// <summary>MonthSeconds is the month the model bills: 30 days (2,592,000 s), as the reference's worked example.</summary>
    public const double MonthSeconds = 30 * 24 * 3600;

    /// <summary>Table transactions, any operation; an entity group transaction counts as one request.</summary>
    public static readonly Rate TableTransactions = new("table transactions", 0.00036, 10_000, "10,000 requests",
        "azure-scale.md §5.1 (list price); the Retail Prices API now has per-class meters; a batch as one transaction", Unconfirmed: true);

    /// <summary>Blob (Hot) write operations: Put Blob/Block/Block List, List Blobs, Create Container.</summary>
    public static readonly Rate BlobWrites = new("blob write operations", 0.05, 10_000, "10,000 requests",
        "azure-scale.md §5.1: Pricing Calculator export 2024-06 (EUR 0.0602 in a 2025 study)", Unconfirmed: true);

    /// <summary>Blob (Hot) read and other operations: Get Blob (conditional too), Get Properties, Delete.</summary>
    public static readonly Rate BlobReads = new("blob read and other operations", 0.004, 10_000, "10,000 requests",
        "azure-scale.md §5.1: Pricing Calculator export 2024-06 (EUR 0.0047 in a 2025 study); deletes priced as reads", Unconfirmed: true);

    /// <summary>Queue operations, Class 1 and Class 2 alike.</summary>
    public static readonly Rate QueueOperations = new("queue operations", 0.004, 10_000, "10,000 requests",
        "azure-scale.md §5.1: Pricing Calculator export 2024-06; the Class 1 / Class 2 split is unconfirmed", Unconfirmed: true);

    /// <summary>Table data stored.</summary>
    public static readonly Rate TableData = new("table data stored", 0.045, 1, "GB-month",
        "azure-scale.md §5.1: cloudbolt.io storage pricing guide", Unconfirmed: true);

    /// <summary>Blob (Hot) data stored.</summary>
    public static readonly Rate BlobData = new("blob data stored", 0.0208, 1, "GB-month",
        "azure-scale.md §5.1: derived from a Pricing Calculator export 2024-06", Unconfirmed: false);

    /// <summary>Flex Consumption on-demand execution time (instance memory × active seconds).</summary>
    public static readonly Rate ExecutionTime = new("on-demand execution time", 0.000026, 1, "GB-s",
        "azure-scale.md §3.4: modal.com guide 2025-05; free grant checked against the Retail Prices API 2026-07 (infracost PR #3599)", Unconfirmed: false);

    /// <summary>Flex Consumption on-demand executions.</summary>
    public static readonly Rate Executions = new("on-demand executions", 0.40, 1_000_000, "million executions",
        "azure-scale.md §3.4 (EUR 0.371 per million seen)", Unconfirmed: true);

    /// <summary>FreeGbSeconds is the monthly free grant of on-demand execution time.</summary>
    public const double FreeGbSeconds = 100_000;

    /// <summary>FreeExecutions is the monthly free grant of on-demand executions.</summary>
    public const double FreeExecutions = 250_000;

    /// <summary>MinimumBilledSeconds is the least an active period is billed; longer ones round up to <see cref="BilledStepSeconds"/>.</summary>
    public const double MinimumBilledSeconds = 1.0;

    /// <summary>BilledStepSeconds is the step active time is rounded up to past the minimum.</summary>
    public const double BilledStepSeconds = 0.1;

    /// <summary>All lists every rate, in the order the report prints them.</summary>
    public static IReadOnlyList<Rate> All =>
        [TableTransactions, BlobWrites, BlobReads, QueueOperations, TableData, BlobData, ExecutionTime, Executions];
}

/// <summary>Rate is one published price: <see cref="Usd"/> per <see cref="PerUnits"/> units, described by <see cref="UnitName"/>.</summary>
/// <param name="Name">What is priced.</param>
/// <param name="Usd">The price in USD.</param>
/// <param name="PerUnits">How many units the price is for (10,000 requests, 1 GB-s, ...).</param>
/// <param name="UnitName">The priced unit as written, e.g. "10,000 requests".</param>
/// <param name="Source">Where the price comes from.</param>
/// <param name="Unconfirmed">Whether the reference marks it UNCONFIRMED (not verified against a current authoritative source).</param>
internal sealed record Rate(string Name, double Usd, double PerUnits, string UnitName, string Source, bool Unconfirmed)
{
    /// <summary>Price is what <paramref name="units"/> units cost.</summary>
    public double Price(double units) => units / PerUnits * Usd;
}
