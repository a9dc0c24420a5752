using System.Globalization;

namespace FedFunctions.TestSupport;

/// <summary>ProcessStats reads a Linux process' CPU time and peak memory from /proc (for the load comparison).</summary>
public static class ProcessStats
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>User + system CPU seconds used so far by process <paramref name="pid"/>.</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name (which may contain spaces) start after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime + stime) / ClockTicksPerSecond;
    }

    /// <summary>Peak resident memory (VmHWM) of process <paramref name="pid"/> in MiB.</summary>
    public static double PeakMemoryMiB(int pid) => StatusMiB(pid, "VmHWM:");

    /// <summary>Current resident memory (VmRSS) of process <paramref name="pid"/> in MiB.</summary>
    public static double ResidentMemoryMiB(int pid) => StatusMiB(pid, "VmRSS:");

    /// <summary>
    /// ResetPeakMemory makes the kernel restart this process' VmHWM from its current resident memory (Linux 4.0+),
    /// so a test can read the peak of what it ran itself.
    /// </summary>
    public static void ResetPeakMemory() => File.WriteAllText("/proc/self/clear_refs", "5");

    private static double StatusMiB(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        }
        return double.NaN;
    }
}
