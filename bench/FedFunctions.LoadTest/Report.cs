using System.Globalization;
using System.Text;

namespace FedFunctions.LoadTest;

/// <summary>One side of the comparison.</summary>
internal sealed record Report(
    string Name, double ScrapeRunSeconds, double CpuPer100kSamples, double StorageCpuPer100kSamples,
    double FederateAllSeconds, double FederateSelectiveSeconds, double FederateAllColdSeconds,
    long FederateAllBytes, long FederateSelectiveBytes, double PeakMemoryMiB, double StoragePeakMemoryMiB, long Series)
{
    public static string Table(Report a, Report b)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"| | {a.Name} | {b.Name} |");
        sb.AppendLine("|---|---|---|");
        Row("series", x => x.Series.ToString(CultureInfo.InvariantCulture));
        Row("full scrape run of all targets (s; Prometheus: longest single scrape)", x => F(x.ScrapeRunSeconds));
        Row("CPU s per 100k samples ingested (process)", x => F(x.CpuPer100kSamples));
        Row("CPU s per 100k samples in Azurite", x => F(x.StorageCpuPer100kSamples));
        Row("/federate everything, first request (s)", x => F(x.FederateAllColdSeconds));
        Row("/federate everything, median of warm (s)", x => F(x.FederateAllSeconds));
        Row("/federate selective, median (s)", x => F(x.FederateSelectiveSeconds));
        Row("answer size everything / selective (bytes)", x => $"{x.FederateAllBytes} / {x.FederateSelectiveBytes}");
        Row("peak memory (MiB, process)", x => F(x.PeakMemoryMiB));
        Row("peak memory (MiB, Azurite)", x => F(x.StoragePeakMemoryMiB));
        return sb.ToString();

        void Row(string label, Func<Report, string> value) => sb.AppendLine($"| {label} | {value(a)} | {value(b)} |");
        static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.000", CultureInfo.InvariantCulture);
    }
}
