using FedFunctions.Core.Configuration;
using FedFunctions.Core.Federation;
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

    /// <summary>
    /// How long one <c>/federate</c> request may wait for storage before it answers 503
    /// (<c>Federation__StorageBudget</c>, default 5s); Prometheus' <c>X-Prometheus-Scrape-Timeout-Seconds</c> can shorten it.
    /// </summary>
    public TimeSpan StorageBudget { get; init; } = SnapshotCache.DefaultReadBudget;

    /// <summary>How long one scrape run may take (<c>Federation__ScrapeRunBudget</c>); null: derived from the schedule (<see cref="RunBudgetAt"/>).</summary>
    public TimeSpan? ScrapeRunBudget { get; init; }

    /// <summary>MaxDerivedRunBudget (4 min) keeps a derived run budget under the host's 5 min <c>functionTimeout</c>.</summary>
    public static readonly TimeSpan MaxDerivedRunBudget = TimeSpan.FromMinutes(4);

    /// <summary>MinDerivedRunBudget (1 s) is the least derived run budget, for schedules firing more than once a second.</summary>
    public static readonly TimeSpan MinDerivedRunBudget = TimeSpan.FromSeconds(1);

    /// <summary>
    /// RunBudgetAt is the budget of a scrape run starting at <paramref name="now"/>: <see cref="ScrapeRunBudget"/> when
    /// set, else 80% of the schedule's interval after <paramref name="now"/> (the time between its next two occurrences),
    /// between <see cref="MinDerivedRunBudget"/> and <see cref="MaxDerivedRunBudget"/>, so a run ends well before the next tick.
    /// </summary>
    public TimeSpan RunBudgetAt(DateTimeOffset now)
    {
        if (ScrapeRunBudget is { } configured) return configured;
        var next = Schedule.GetNextOccurrence(now);
        var after = next is null ? null : Schedule.GetNextOccurrence(next.Value);
        if (after is null) return MaxDerivedRunBudget; // no next tick to end before
        var budget = (after.Value - next!.Value) * 0.8;
        return budget < MinDerivedRunBudget ? MinDerivedRunBudget : budget > MaxDerivedRunBudget ? MaxDerivedRunBudget : budget;
    }

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

        var lookback = PositiveDuration(getSetting, "Federation__LookbackDelta", "5m") ?? TimeSpan.FromMinutes(5);
        var storageBudget = PositiveDuration(getSetting, "Federation__StorageBudget", "5s") ?? SnapshotCache.DefaultReadBudget;
        var runBudget = PositiveDuration(getSetting, "Federation__ScrapeRunBudget", "10s");

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
            StorageBudget = storageBudget,
            ScrapeRunBudget = runBudget,
            CacheRefresh = cacheRefresh,
            MaxConcurrency = concurrency,
        };
    }

    /// <summary>Reads an optional positive Prometheus duration; null when the setting is absent.</summary>
    private static TimeSpan? PositiveDuration(Func<string, string?> getSetting, string name, string example)
    {
        if (Get(getSetting, name) is not { } text) return null;
        return PrometheusDuration.TryParse(text, out var parsed) && parsed > TimeSpan.Zero
            ? parsed
            : throw new ConfigException($"setting {name}: \"{text}\" is not a positive duration such as {example}");
    }

    private static string? Get(Func<string, string?> getSetting, string name)
    {
        var value = getSetting(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
