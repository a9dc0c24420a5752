using System.Globalization;
using System.Text;

namespace FedFunctions.LoadTest;

/// <summary>One column of the comparison: an app variant, or Prometheus 2.42 (no storage, one process).</summary>
internal sealed record Report(
    string Name, string Processes, double ScrapeRunSeconds, double ColdRunSeconds, double CpuPer100kSamples, double StorageCpuPer100kSamples,
    double FederateAllSeconds, double FederateSelectiveSeconds, double FederateAllColdSeconds,
    long FederateAllBytes, long FederateSelectiveBytes, string PeakMemoryMiB, double StoragePeakMemoryMiB, long Series,
    StorageUse? Storage, string ShardsRetried)
{
    /// <summary>Table is the run's main table: one column per report, the storage requests and bytes per run in rows.</summary>
    public static string Table(IReadOnlyList<Report> reports, int targets)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{targets} targets (node_exporter fixture); app runs: median of the warm runs, storage: mean per warm run, summed over the variant's processes:");
        sb.AppendLine();
        sb.AppendLine("| | " + string.Join(" | ", reports.Select(r => r.Name)) + " |");
        sb.AppendLine("|---|" + string.Concat(reports.Select(_ => "---|")));
        Row("processes", x => x.Processes);
        Row("series", x => x.Series.ToString("N0", CultureInfo.InvariantCulture));
        Row("full scrape run of all targets, warm (s; Prometheus: longest single scrape)", x => F(x.ScrapeRunSeconds));
        Row("first (cold) scrape run (s)", x => F(x.ColdRunSeconds));
        Row("CPU s per 100k samples ingested (app processes)", x => F(x.CpuPer100kSamples));
        Row("CPU s per 100k samples in Azurite", x => F(x.StorageCpuPer100kSamples));
        var services = reports.Where(r => r.Storage is not null).SelectMany(r => r.Storage!.Services).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var service in services)
        {
            Row($"{service} requests per run", x => x.Storage is null ? "n/a" : x.Storage.OperationsText(service));
            Row($"{service} bytes written / read per run", x => x.Storage is null ? "n/a"
                : $"{StorageUse.N(x.Storage.BytesWritten.GetValueOrDefault(service))} / {StorageUse.N(x.Storage.BytesRead.GetValueOrDefault(service))}");
        }
        Row("shard tries failed and retried, warm runs in all (their requests are counted above)", x => x.ShardsRetried);
        Row("/federate everything, first request (s)", x => F(x.FederateAllColdSeconds));
        Row("/federate everything, median of warm (s)", x => F(x.FederateAllSeconds));
        Row("/federate selective, median (s)", x => F(x.FederateSelectiveSeconds));
        Row("answer size everything / selective (bytes)", x => $"{x.FederateAllBytes:N0} / {x.FederateSelectiveBytes:N0}");
        Row("peak memory (MiB, VmHWM per process)", x => x.PeakMemoryMiB);
        Row("peak memory (MiB, Azurite, shared by the variants)", x => F(x.StoragePeakMemoryMiB, "0"));
        return sb.ToString();

        void Row(string label, Func<Report, string> value) => sb.AppendLine($"| {label} | {string.Join(" | ", reports.Select(value))} |");
        static string F(double v, string format = "0.000") => double.IsNaN(v) ? "n/a" : v.ToString(format, CultureInfo.InvariantCulture);
    }
}
