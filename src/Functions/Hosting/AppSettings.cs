using FedFunctions.Core.Configuration;
using FedFunctions.Core.Scheduling;

namespace FedFunctions.Functions.Hosting;

/// <summary>
/// AppSettings are the app's settings, read Functions-style from environment variables (app settings in
/// Azure, <c>local.settings.json</c> values locally). Every name is listed in <c>local.settings.sample.json</c>.
/// </summary>
public sealed record AppSettings
{
    /// <summary>The scrape configuration file (<c>Federation__ConfigPath</c>), Prometheus' YAML format.</summary>
    public required string ConfigPath { get; init; }

    /// <summary>The NCRONTAB schedule of the timer (<c>ScrapeSchedule</c>).</summary>
    public required NcrontabSchedule Schedule { get; init; }

    /// <summary>The schedule text as configured.</summary>
    public required string ScheduleText { get; init; }

    /// <summary>How far back a sample still counts as current in <c>/federate</c> (<c>Federation__LookbackDelta</c>, default 5m).</summary>
    public TimeSpan LookbackDelta { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long <c>/federate</c> reuses one listing of the stored snapshot versions (<c>Federation__CacheRefresh</c>,
    /// default 1s; 0s lists on every request). Snapshots change only at scrape ticks; a scrape run in
    /// this instance refreshes at once.
    /// </summary>
    public TimeSpan CacheRefresh { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many targets are scraped at once (<c>Federation__MaxConcurrency</c>, default 32).</summary>
    public int MaxConcurrency { get; init; } = 32;

    /// <summary>The table holding the snapshots (<c>Federation__SnapshotTable</c>, default <c>fedsnapshots</c>).</summary>
    public string SnapshotTable { get; init; } = "fedsnapshots";

    /// <summary>The blob container for large snapshots (<c>Federation__SnapshotContainer</c>, default <c>fedsnapshots</c>).</summary>
    public string SnapshotContainer { get; init; } = "fedsnapshots";

    /// <summary>Reads the settings; <paramref name="getSetting"/> is usually <see cref="Environment.GetEnvironmentVariable(string)"/>.</summary>
    /// <exception cref="ConfigException">A setting is malformed; the message names it.</exception>
    public static AppSettings Read(Func<string, string?> getSetting)
    {
        ArgumentNullException.ThrowIfNull(getSetting);
        var configPath = Get(getSetting, "Federation__ConfigPath") ?? "prometheus.yml";
        var scheduleText = Get(getSetting, "ScrapeSchedule") ?? "*/15 * * * * *";
        NcrontabSchedule schedule;
        try
        {
            schedule = NcrontabSchedule.Parse(scheduleText);
        }
        catch (ConfigException ex)
        {
            throw new ConfigException($"setting ScrapeSchedule: {ex.Message}");
        }

        var lookback = TimeSpan.FromMinutes(5);
        if (Get(getSetting, "Federation__LookbackDelta") is { } lookbackText)
        {
            lookback = PrometheusDuration.TryParse(lookbackText, out var parsed) && parsed > TimeSpan.Zero
                ? parsed
                : throw new ConfigException($"setting Federation__LookbackDelta: \"{lookbackText}\" is not a positive duration such as 5m");
        }

        var cacheRefresh = TimeSpan.FromSeconds(1);
        if (Get(getSetting, "Federation__CacheRefresh") is { } refreshText)
        {
            cacheRefresh = refreshText is "0" or "0s" ? TimeSpan.Zero
                : PrometheusDuration.TryParse(refreshText, out var parsed) ? parsed
                : throw new ConfigException($"setting Federation__CacheRefresh: \"{refreshText}\" is not a duration such as 1s (0s: every request)");
        }

        var concurrency = 32;
        if (Get(getSetting, "Federation__MaxConcurrency") is { } concurrencyText &&
            (!int.TryParse(concurrencyText, out concurrency) || concurrency < 1 || concurrency > 1024))
        {
            throw new ConfigException($"setting Federation__MaxConcurrency: \"{concurrencyText}\" is not a number from 1 to 1024");
        }

        var table = Get(getSetting, "Federation__SnapshotTable") ?? "fedsnapshots";
        if (!System.Text.RegularExpressions.Regex.IsMatch(table, "^[A-Za-z][A-Za-z0-9]{2,62}$") || table.Equals("tables", StringComparison.OrdinalIgnoreCase))
            throw new ConfigException($"setting Federation__SnapshotTable: \"{table}\" is not a valid table name (3-63 letters and digits, starting with a letter; not \"tables\")");
        var container = Get(getSetting, "Federation__SnapshotContainer") ?? "fedsnapshots";
        if (!System.Text.RegularExpressions.Regex.IsMatch(container, "^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$"))
            throw new ConfigException($"setting Federation__SnapshotContainer: \"{container}\" is not a valid blob container name (3-63 lower-case letters, digits and single hyphens)");

        return new AppSettings
        {
            SnapshotTable = table,
            SnapshotContainer = container,
            ConfigPath = configPath,
            Schedule = schedule,
            ScheduleText = scheduleText,
            LookbackDelta = lookback,
            CacheRefresh = cacheRefresh,
            MaxConcurrency = concurrency,
        };
    }

    private static string? Get(Func<string, string?> getSetting, string name)
    {
        var value = getSetting(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
