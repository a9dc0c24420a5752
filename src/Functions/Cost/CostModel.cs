namespace FedFunctions.Functions.Cost;

/// <summary>
/// CostModel turns a <see cref="CostMeasurement"/> into monthly quantities and prices at <see cref="CostRates"/>:
/// every count measured in the window is scaled by month ÷ window, storage requests are priced by their billing
/// class, executions and GB-seconds net of the free grants. The arithmetic is all here; the counts are the app's.
/// </summary>
internal static class CostModel
{
    /// <summary>BlobWriteOperations are the blob operations billed at the write rate; every other blob operation at the read rate.</summary>
    public static readonly IReadOnlySet<string> BlobWriteOperations = new HashSet<string>(StringComparer.Ordinal)
    {
        "blob/" + Core.Storage.StorageOperation.Put,
        "blob/" + Core.Storage.StorageOperation.List,
        "blob/" + Core.Storage.StorageOperation.CreateContainer,
    };

    /// <summary>Estimate prices <paramref name="measurement"/> for a month at instance memory <paramref name="instanceMemoryMb"/>.</summary>
    public static CostEstimate Estimate(CostMeasurement measurement, int instanceMemoryMb)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        var scale = CostRates.MonthSeconds / measurement.Window.TotalSeconds;
        var storage = new Dictionary<string, double>(measurement.RunStorage, StringComparer.Ordinal);
        foreach (var (key, value) in measurement.FederateStorage) storage[key] = storage.GetValueOrDefault(key) + value;

        var table = storage.Where(kv => kv.Key.StartsWith("table/", StringComparison.Ordinal)).Sum(kv => kv.Value) * scale;
        var blobWrites = storage.Where(kv => BlobWriteOperations.Contains(kv.Key)).Sum(kv => kv.Value) * scale;
        var blobReads = storage.Where(kv => kv.Key.StartsWith("blob/", StringComparison.Ordinal) && !BlobWriteOperations.Contains(kv.Key)).Sum(kv => kv.Value) * scale;
        var queue = storage.Where(kv => kv.Key.StartsWith("queue/", StringComparison.Ordinal)).Sum(kv => kv.Value) * scale;

        var timer = measurement.TimerExecutions * scale;
        var federate = measurement.FederateExecutions * scale;
        var shards = measurement.ShardMessages * scale;
        var executions = timer + federate + shards;
        var gb = instanceMemoryMb / 1024.0;
        var gbSeconds = (measurement.RunSeconds.Sum(BilledSeconds) + measurement.FederateSeconds.Sum(BilledSeconds) + measurement.ShardSeconds.Sum(BilledSeconds)) * gb * scale;

        var tableGb = measurement.StoredBytes.GetValueOrDefault("table") / BytesPerGb;
        var blobGb = measurement.StoredBytes.GetValueOrDefault("blob") / BytesPerGb;

        List<CostLine> lines =
        [
            new("table transactions", table, 0, CostRates.TableTransactions),
            new("blob write operations (put, list, create container)", blobWrites, 0, CostRates.BlobWrites),
            new("blob read and other operations (get, conditional get, head, delete)", blobReads, 0, CostRates.BlobReads),
            new("queue operations", queue, 0, CostRates.QueueOperations),
            new($"executions (timer {Round(timer)}, /federate {Round(federate)}, shards {Round(shards)})", executions, CostRates.FreeExecutions, CostRates.Executions),
            new($"execution time at {instanceMemoryMb} MB (GB-s)", gbSeconds, CostRates.FreeGbSeconds, CostRates.ExecutionTime),
            new("table data stored (GB)", tableGb, 0, CostRates.TableData),
            new("blob data stored (GB)", blobGb, 0, CostRates.BlobData),
        ];
        return new CostEstimate(scale, lines);
    }

    /// <summary>
    /// BilledSeconds is what one execution of <paramref name="seconds"/> bills on Flex Consumption: at least one second,
    /// then in 100 ms steps. Each run and each read counts as its own active period, which holds when they do not overlap.
    /// </summary>
    public static double BilledSeconds(double seconds)
    {
        var steps = Math.Ceiling(Math.Round(seconds / CostRates.BilledStepSeconds, 6));
        return Math.Max(CostRates.MinimumBilledSeconds, steps * CostRates.BilledStepSeconds);
    }

    /// <summary>BytesPerGb is the gigabyte of stored data: 2^30 bytes.</summary>
    public const double BytesPerGb = 1024.0 * 1024 * 1024;

    private static string Round(double value) => value.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>CostLine is one priced item for a month: <see cref="Quantity"/> units, less <see cref="Free"/> units of free grant.</summary>
internal sealed record CostLine(string Item, double Quantity, double Free, Rate Rate)
{
    /// <summary>Billable is the quantity past the free grant.</summary>
    public double Billable => Math.Max(0, Quantity - Free);

    /// <summary>Usd is the monthly price of the billable quantity.</summary>
    public double Usd => Rate.Price(Billable);

    /// <summary>UsdWithoutGrant is the monthly price if the free grant were used up elsewhere.</summary>
    public double UsdWithoutGrant => Rate.Price(Quantity);
}

/// <summary>CostEstimate is a month's priced lines; <see cref="Scale"/> is how many windows make a month.</summary>
internal sealed record CostEstimate(double Scale, IReadOnlyList<CostLine> Lines)
{
    /// <summary>TotalUsd is the monthly price after the free grants.</summary>
    public double TotalUsd => Lines.Sum(l => l.Usd);

    /// <summary>TotalWithoutGrantsUsd is the monthly price when the free grants are already used up by something else.</summary>
    public double TotalWithoutGrantsUsd => Lines.Sum(l => l.UsdWithoutGrant);
}
