namespace FedFunctions.Functions.Cost;

/// <summary>
/// CostMeasurement is what the simulation counted over <see cref="Window"/> of simulated time, in steady state (after
/// a first run that stored every target): the app's counters' growth during the scrape runs and during the
/// <c>/federate</c> reads, and how long each took. Keys of the storage maps are "service/operation" (e.g.
/// "table/update", "queue/send"), as the labels of <c>fedfunctions_storage_operations_total</c>.
/// </summary>
internal sealed record CostMeasurement
{
    /// <summary>Window is the simulated time measured.</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>Targets is how many targets the configuration has (after discovery and relabeling).</summary>
    public required int Targets { get; init; }

    /// <summary>RunSeconds is the measured duration of each scrape run in the window (its count is the number of runs).</summary>
    public required IReadOnlyList<double> RunSeconds { get; init; }

    /// <summary>FederateSeconds is the measured duration of each <c>/federate</c> read in the window.</summary>
    public required IReadOnlyList<double> FederateSeconds { get; init; }

    /// <summary>ShardSeconds is the measured duration of each shard message handled in the window (a ScrapeShard execution each).</summary>
    public IReadOnlyList<double> ShardSeconds { get; init; } = [];

    /// <summary>
    /// RunStorage is the storage requests counted during the scrape runs and the shards they sent, by "service/operation":
    /// the queue requests of the fan-out (<c>queue/send</c>, <c>queue/receive</c>, <c>queue/delete</c> ...) included.
    /// </summary>
    public required IReadOnlyDictionary<string, double> RunStorage { get; init; }

    /// <summary>FederateStorage is the storage requests counted during the <c>/federate</c> reads.</summary>
    public required IReadOnlyDictionary<string, double> FederateStorage { get; init; }

    /// <summary>ShardMessages is how many shard messages were handled (<c>fedfunctions_shard_messages_total</c>): one execution each.</summary>
    public required double ShardMessages { get; init; }

    /// <summary>TimerExecutions is the growth of <c>fedfunctions_scrape_cycles_total</c>: one execution per run.</summary>
    public required double TimerExecutions { get; init; }

    /// <summary>FederateExecutions is the growth of <c>fedfunctions_federate_requests_total</c>: one execution per read.</summary>
    public required double FederateExecutions { get; init; }

    /// <summary>StoredBytes is what the first run wrote, by service (every target once): about what stays stored.</summary>
    public required IReadOnlyDictionary<string, double> StoredBytes { get; init; }

    /// <summary>Notes are caveats found while measuring (targets that failed, a window cut short).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
