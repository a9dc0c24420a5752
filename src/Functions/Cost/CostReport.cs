using System.Globalization;
using System.Text.Json;

namespace FedFunctions.Functions.Cost;

/// <summary>CostReport writes a measurement and its estimate as a readable table, or as JSON (<c>--json</c>).</summary>
internal static class CostReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>NotInModel says what the estimate leaves out (docs/cost.md explains each).</summary>
    public const string NotInModel =
        "Not included: network egress, Application Insights ingestion, the Functions host's own storage (AzureWebJobsStorage: " +
        "deployment package, timer locks), always-ready instances, cold starts (an empty cache reads every snapshot), taxes and discounts.";

    /// <summary>WriteTable writes the human-readable report.</summary>
    public static void WriteTable(TextWriter output, CostScenario scenario, string schedule, CostMeasurement m, CostEstimate estimate)
    {
        var runs = m.RunSeconds.Count;
        var reads = m.FederateSeconds.Count;
        output.WriteLine($"Cost of {scenario.ConfigPath}: {m.Targets} targets, ScrapeSchedule \"{schedule}\", " +
                         $"{scenario.Federators} federator(s) reading /federate every {Core.Configuration.PrometheusDuration.Format(scenario.FederateInterval)}, " +
                         $"instance memory {scenario.InstanceMemoryMb} MB");
        output.WriteLine($"Measured: {runs} scrape runs and {reads} /federate reads in {m.Window.TotalSeconds.ToString("0.###", Invariant)} s of simulated time " +
                         $"(after a first run that stored every target), scaled x{N(estimate.Scale)} to a 30-day month.");
        output.WriteLine();
        WriteCounts(output, "Storage requests per scrape run (average)", m.RunStorage, runs);
        WriteCounts(output, "Storage requests per /federate read (average)", m.FederateStorage, reads);
        var shards = m.ShardSeconds.Count == 0 ? ""
            : $", ScrapeShard execution {Mean(m.ShardSeconds)} s ({(runs == 0 ? 0 : m.ShardSeconds.Count / (double)runs).ToString("0.##", Invariant)} per run)";
        output.WriteLine($"Mean duration: scrape run {Mean(m.RunSeconds)} s{shards}, /federate read {Mean(m.FederateSeconds)} s");
        output.WriteLine();

        output.WriteLine($"  {"Per month",-72} {"quantity",16} {"free",10}  {"rate (USD)",-40} {"USD",10}");
        foreach (var line in estimate.Lines)
        {
            var rate = $"{line.Rate.Usd.ToString("0.######", Invariant)} / {line.Rate.UnitName}{(line.Rate.Unconfirmed ? " *" : "")}";
            output.WriteLine($"  {line.Item,-72} {N(line.Quantity),16} {N(line.Free),10}  {rate,-40} {line.Usd.ToString("0.00", Invariant),10}");
        }
        output.WriteLine($"  {"Total per month",-72} {"",16} {"",10}  {"",-40} {estimate.TotalUsd.ToString("0.00", Invariant),10}");
        output.WriteLine($"  {"Total without the free grants",-72} {"",16} {"",10}  {"",-40} {estimate.TotalWithoutGrantsUsd.ToString("0.00", Invariant),10}");
        output.WriteLine();
        output.WriteLine("* UNCONFIRMED rate: not verified against a current authoritative source; check the Azure Retail Prices API before quoting.");
        output.WriteLine($"Rates as of {CostRates.AsOf:yyyy-MM-dd} (USD, East US, standard LRS, Flex Consumption on demand): docs/cost.md.");
        output.WriteLine("Durations were measured here: against Azure storage and from Azure's network they differ.");
        output.WriteLine(NotInModel);
        foreach (var note in m.Notes) output.WriteLine("Note: " + note);
    }

    /// <summary>WriteJson writes the same as one JSON object.</summary>
    public static void WriteJson(Stream output, CostScenario scenario, string schedule, CostMeasurement m, CostEstimate estimate)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("config", scenario.ConfigPath);
        json.WriteString("scrape_schedule", schedule);
        json.WriteNumber("targets", m.Targets);
        json.WriteNumber("federators", scenario.Federators);
        json.WriteNumber("federate_interval_seconds", scenario.FederateInterval.TotalSeconds);
        json.WriteNumber("instance_memory_mb", scenario.InstanceMemoryMb);
        json.WriteNumber("window_seconds", m.Window.TotalSeconds);
        json.WriteNumber("runs", m.RunSeconds.Count);
        json.WriteNumber("federate_reads", m.FederateSeconds.Count);
        json.WriteNumber("month_scale", estimate.Scale);
        WriteAverages(json, "storage_per_run", m.RunStorage, m.RunSeconds.Count);
        WriteAverages(json, "storage_per_federate_read", m.FederateStorage, m.FederateSeconds.Count);
        json.WriteNumber("timer_executions", m.TimerExecutions);
        json.WriteNumber("federate_executions", m.FederateExecutions);
        json.WriteNumber("shard_messages", m.ShardMessages);
        json.WriteNumber("mean_run_seconds", m.RunSeconds.DefaultIfEmpty().Average());
        json.WriteNumber("mean_federate_seconds", m.FederateSeconds.DefaultIfEmpty().Average());
        json.WriteNumber("mean_shard_seconds", m.ShardSeconds.DefaultIfEmpty().Average());
        json.WriteStartArray("monthly");
        foreach (var line in estimate.Lines)
        {
            json.WriteStartObject();
            json.WriteString("item", line.Item);
            json.WriteNumber("quantity", line.Quantity);
            json.WriteNumber("free", line.Free);
            json.WriteNumber("rate_usd", line.Rate.Usd);
            json.WriteString("rate_unit", line.Rate.UnitName);
            json.WriteBoolean("rate_unconfirmed", line.Rate.Unconfirmed);
            json.WriteNumber("usd", line.Usd);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteNumber("total_usd", estimate.TotalUsd);
        json.WriteNumber("total_without_grants_usd", estimate.TotalWithoutGrantsUsd);
        json.WriteString("rates_as_of", CostRates.AsOf.ToString("yyyy-MM-dd", Invariant));
        json.WriteString("not_included", NotInModel);
        json.WriteStartArray("notes");
        foreach (var note in m.Notes) json.WriteStringValue(note);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteCounts(TextWriter output, string title, IReadOnlyDictionary<string, double> counts, int events)
    {
        output.WriteLine(title + ":");
        if (counts.Count == 0) output.WriteLine("  (none)");
        foreach (var (key, value) in counts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            output.WriteLine($"  {key,-28} {(events == 0 ? 0 : value / events).ToString("0.##", Invariant),10}");
    }

    private static void WriteAverages(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, double> counts, int events)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in counts.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json.WriteNumber(key, events == 0 ? 0 : value / events);
        json.WriteEndObject();
    }

    private static string Mean(IReadOnlyList<double> seconds) => seconds.DefaultIfEmpty().Average().ToString("0.###", Invariant);

    private static string N(double value) => value.ToString(value >= 100 ? "#,0" : "#,0.###", Invariant);
}
