using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using FedFunctions.Functions.Settings;
using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// The README's settings table and <c>local.settings.sample.json</c> match the options classes: every setting
/// documented with its default, nothing documented that the app does not read.
/// </summary>
public sealed partial class SettingsDocumentationTests
{
    /// <summary>Read by the Functions host, not by the app.</summary>
    private static readonly string[] HostOnly = ["AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME"];

    /// <summary>Read by the telemetry export (the names Azure Monitor's exporter uses), not by an options class; unset: no export.</summary>
    private static readonly string[] Telemetry = [Hosting.TelemetryExport.ConnectionStringSetting, Hosting.TelemetryExport.AuthenticationStringSetting];

    /// <summary>Every setting the options classes read, as an environment variable name, with its default (null: none).</summary>
    private static Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Add(new FederationOptions(), p => $"{FederationOptions.Section}__{p}");
        Add(new ScheduleOptions(), p => p);
        Add(new StorageOptions(), p => p == nameof(StorageOptions.ConnectionString) ? StorageOptions.Section : $"{StorageOptions.Section}__{p}");
        return settings;

        void Add(object defaults, Func<string, string> name)
        {
            foreach (var property in defaults.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
                settings.Add(name(property.Name), property.GetValue(defaults) is { } value ? Convert.ToString(value, CultureInfo.InvariantCulture) : null);
        }
    }

    [Fact]
    public void TheOptionsClassesReadTheKnownSettings()
    {
        // Guards the name mapping above: a renamed property would silently rename a setting.
        string[] expected =
            ["Federation__CacheRefresh", "Federation__ConfigDirectory", "Federation__ConfigPath", "Federation__LookbackDelta", "Federation__MaxConcurrency", "Federation__ScrapeRunBudget",
             "Federation__SnapshotContainer", "Federation__SnapshotTable", "Federation__StorageBudget", "FederationStorage", "FederationStorage__BlobServiceUri",
             "FederationStorage__ClientId", "FederationStorage__TableServiceUri", "ScrapeSchedule",
             "FederationStorage__QueueServiceUri", "Federation__ShardSize", "Federation__ShardQueue", "Federation__QueueWorkers", "Federation__QueueVisibilityTimeout",
             "Federation__QueueRetryDelay", "Federation__QueueMaxDequeueCount", "Federation__QueuePollingInterval", "Federation__LocalScheduler"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), Settings().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheReadmeTableDocumentsEverySettingWithItsDefault()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.RepoRoot, "README.md"));
        var section = readme[readme.IndexOf("\n## Settings\n", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 5, StringComparison.Ordinal)];
        var documented = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in section.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var cells = row.Split('|');
            foreach (Match name in Code().Matches(cells[1])) documented.Add(name.Groups[1].Value, cells[2].Trim());
        }

        var settings = Settings();
        Assert.Equal(settings.Keys.Order(StringComparer.OrdinalIgnoreCase), documented.Keys.Except(HostOnly).Except(Telemetry).Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        Assert.All(Telemetry, name => Assert.Contains(name, documented.Keys));
        foreach (var (name, value) in settings)
        {
            if (value is null) Assert.False(documented[name].StartsWith('`'), $"{name} has no default, the README shows {documented[name]}");
            else Assert.True(documented[name] == $"`{value}`", $"{name} defaults to {value}, the README shows {documented[name]}");
        }
    }

    [Fact]
    public void TheSampleListsEverySettingWithItsDefault()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.RepoRoot, "local.settings.sample.json")));
        var values = json.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString(), StringComparer.OrdinalIgnoreCase);

        var settings = Settings();
        Assert.Equal(settings.Keys.Order(StringComparer.OrdinalIgnoreCase), values.Keys.Except(HostOnly).Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in settings.Where(s => s.Value is not null))
            Assert.True(values[name] == value, $"{name} defaults to {value}, the sample has {values[name]}");
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Code();
}
