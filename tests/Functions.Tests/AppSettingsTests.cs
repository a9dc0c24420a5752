using FedFunctions.Core.Configuration;
using FedFunctions.Core.Storage;
using FedFunctions.Functions.Hosting;
using FedFunctions.Functions.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FedFunctions.Functions.Tests;

/// <summary>
/// The settings bound from configuration: defaults, Prometheus durations, the run budget derived from the
/// schedule, storage access, and clear errors naming the setting for each wrong value.
/// </summary>
public sealed class AppSettingsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 3, TimeSpan.Zero);

    /// <summary>Binds <paramref name="settings"/>, named as environment variables, and checks them as the app does at start.</summary>
    private static ServiceProvider Bind(params (string Name, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Name.Replace("__", ":", StringComparison.Ordinal), s.Value)))
            .Build();
        var provider = new ServiceCollection().AddFederationSettings(configuration).BuildServiceProvider();
        SettingsServices.Check(provider);
        return provider;
    }

    private static FederationOptions Federation(params (string Name, string Value)[] settings) =>
        Bind(settings).GetRequiredService<IOptions<FederationOptions>>().Value;

    private static RunSchedule Schedule(params (string Name, string Value)[] settings)
    {
        var provider = Bind(settings);
        return new RunSchedule(provider.GetRequiredService<IOptions<ScheduleOptions>>(), provider.GetRequiredService<IOptions<FederationOptions>>());
    }

    private static StorageConnection Storage(params (string Name, string Value)[] settings) =>
        Bind(settings).GetRequiredService<IOptions<StorageOptions>>().Value.Connection;

    [Fact]
    public void BudgetsDefaultToFiveSecondsAndTheSchedule()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), Federation().StorageBudgetTime);
        Assert.Null(Federation().ScrapeRunBudgetTime);
        // The default schedule fires every 15 s: a run may take 80% of that.
        Assert.Equal(TimeSpan.FromSeconds(12), Schedule().RunBudgetAt(Now));
    }

    [Fact]
    public void OtherDefaults()
    {
        var options = Federation();
        Assert.Equal(TimeSpan.FromMinutes(5), options.LookbackDeltaTime);
        Assert.Equal(TimeSpan.FromSeconds(1), options.CacheRefreshTime);
        Assert.Equal(32, options.MaxConcurrency);
        Assert.Equal("prometheus.yml", options.ConfigPath);
        Assert.Equal("fedsnapshots", options.StoreOptions.TableName);
        Assert.Equal("*/15 * * * * *", Schedule().Text);
    }

    [Theory]
    [InlineData("* * * * * *", 1)]        // every second: 0.8 s is raised to the 1 s floor
    [InlineData("0 */5 * * * *", 240)]    // every 5 minutes: 4 min cap (under functionTimeout)
    [InlineData("0 * * * * *", 48)]       // every minute
    public void TheDerivedRunBudgetEndsBeforeTheNextTick(string schedule, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Schedule(("ScrapeSchedule", schedule)).RunBudgetAt(Now));

    [Fact]
    public void BudgetsAreReadAsPrometheusDurations()
    {
        var settings = new[] { ("Federation__StorageBudget", "1500ms"), ("Federation__ScrapeRunBudget", "1m30s") };
        Assert.Equal(TimeSpan.FromMilliseconds(1500), Federation(settings).StorageBudgetTime);
        Assert.Equal(TimeSpan.FromSeconds(90), Schedule(settings).RunBudgetAt(Now));
    }

    [Fact]
    public void BlankSettingsMeanTheDefault()
    {
        var options = Federation(("Federation__LookbackDelta", ""), ("Federation__ScrapeRunBudget", " "), ("Federation__SnapshotTable", ""), ("Federation__MaxConcurrency", ""));
        Assert.Equal(TimeSpan.FromMinutes(5), options.LookbackDeltaTime);
        Assert.Null(options.ScrapeRunBudgetTime);
        Assert.Equal("fedsnapshots", options.SnapshotTable);
        Assert.Equal(32, options.MaxConcurrency);
    }

    [Fact]
    public void ConcurrencyAndCacheRefreshAreRead()
    {
        var options = Federation(("Federation__MaxConcurrency", "7"), ("Federation__CacheRefresh", "0s"));
        Assert.Equal(7, options.MaxConcurrency);
        Assert.Equal(TimeSpan.Zero, options.CacheRefreshTime);
    }

    [Theory]
    [InlineData("Federation__StorageBudget", "5")]
    [InlineData("Federation__StorageBudget", "0s")]
    [InlineData("Federation__ScrapeRunBudget", "soon")]
    [InlineData("Federation__LookbackDelta", "-5m")]
    public void ABadBudgetIsRefusedNamingTheSetting(string name, string value)
    {
        var ex = Assert.Throws<ConfigException>(() => Bind((name, value)));
        Assert.StartsWith($"setting {name}: \"{value}\" is not a positive duration", ex.Message);
    }

    [Theory]
    [InlineData("Federation__MaxConcurrency", "0", "is not a number from 1 to 1024")]
    [InlineData("Federation__MaxConcurrency", "2000", "is not a number from 1 to 1024")]
    [InlineData("Federation__CacheRefresh", "often", "is not a duration")]
    public void ABadValueIsRefusedNamingTheSetting(string name, string value, string problem)
    {
        var ex = Assert.Throws<ConfigException>(() => Bind((name, value)));
        Assert.StartsWith($"setting {name}: \"{value}\" {problem}", ex.Message);
    }

    [Theory]
    [InlineData("Federation__SnapshotTable", "tables", "table")]
    [InlineData("Federation__SnapshotTable", "1table", "table")]
    [InlineData("Federation__SnapshotContainer", "a--b", "container")]
    [InlineData("Federation__SnapshotContainer", "Upper", "container")]
    public void ABadStorageNameIsRefusedNamingTheSetting(string name, string value, string kind)
    {
        var ex = Assert.Throws<ConfigException>(() => Bind((name, value)));
        Assert.StartsWith($"setting {name}: invalid {kind} name \"{value}\"", ex.Message);
    }

    [Fact]
    public void AWordWhereANumberBelongsIsRefusedNamingTheSetting()
    {
        var ex = Assert.Throws<ConfigException>(() => Bind(("Federation__MaxConcurrency", "many")));
        Assert.Contains("Federation:MaxConcurrency", ex.Message);
    }

    [Fact]
    public void AScheduleTheHostWouldRefuseIsRefusedNamingTheSetting()
    {
        var ex = Assert.Throws<ConfigException>(() => Bind(("ScrapeSchedule", "@hourly")));
        Assert.StartsWith("setting ScrapeSchedule: ", ex.Message);
    }

    [Fact]
    public void StorageDefaultsToTheLocalEmulator() =>
        Assert.Equal(StorageConnection.DevelopmentStorage, Storage().ConnectionString);

    [Fact]
    public void StorageUsesIdentityBasedUris()
    {
        var connection = Storage(
            ("FederationStorage__tableServiceUri", "https://acct.table.core.windows.net"),
            ("FederationStorage__blobServiceUri", "https://acct.blob.core.windows.net"),
            ("FederationStorage__clientId", "00000000-0000-0000-0000-000000000001"));
        Assert.Null(connection.ConnectionString);
        Assert.Equal(new Uri("https://acct.table.core.windows.net"), connection.TableServiceUri);
        Assert.Equal("00000000-0000-0000-0000-000000000001", connection.ClientId);
    }

    public static TheoryData<(string, string)[], string> InconsistentStorage => new()
    {
        { [("FederationStorage", "UseDevelopmentStorage=true"), ("FederationStorage__tableServiceUri", "https://a.table.core.windows.net")], "set only one" },
        { [("FederationStorage__tableServiceUri", "https://a.table.core.windows.net")], "FederationStorage__blobServiceUri is missing" },
        { [("FederationStorage__blobServiceUri", "https://a.blob.core.windows.net")], "FederationStorage__tableServiceUri is missing" },
        { [("FederationStorage__clientId", "00000000-0000-0000-0000-000000000000")], "only applies to identity-based access" },
        { [("FederationStorage__tableServiceUri", "not a uri"), ("FederationStorage__blobServiceUri", "https://a.blob.core.windows.net")], "FederationStorage__tableServiceUri must be an absolute http(s) URI" },
        { [("FederationStorage", "this is not a connection string")], "setting FederationStorage: not a valid storage connection string" },
    };

    [Theory]
    [MemberData(nameof(InconsistentStorage))]
    public void InconsistentStorageSettingsAreRefusedNamingThem((string, string)[] settings, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => Bind(settings));
        Assert.Contains(message, ex.Message);
    }
}
