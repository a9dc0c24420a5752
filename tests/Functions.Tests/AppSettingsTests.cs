using FedFunctions.Core.Configuration;
using FedFunctions.Functions.Hosting;

namespace FedFunctions.Functions.Tests;

/// <summary>The storage and run budgets: defaults, Prometheus durations, clear errors, and the run budget derived from the schedule.</summary>
public sealed class AppSettingsTests
{
    private static AppSettings Read(params (string Name, string Value)[] settings) =>
        AppSettings.Read(name => settings.FirstOrDefault(s => s.Name == name).Value);

    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 3, TimeSpan.Zero);

    [Fact]
    public void BudgetsDefaultToFiveSecondsAndTheSchedule()
    {
        var settings = Read();
        Assert.Equal(TimeSpan.FromSeconds(5), settings.StorageBudget);
        Assert.Null(settings.ScrapeRunBudget);
        // The default schedule fires every 15 s: a run may take 80% of that.
        Assert.Equal(TimeSpan.FromSeconds(12), settings.RunBudgetAt(Now));
    }

    [Theory]
    [InlineData("* * * * * *", 1)]        // every second: 0.8 s is raised to the 1 s floor
    [InlineData("0 */5 * * * *", 240)]    // every 5 minutes: 4 min cap (under functionTimeout)
    [InlineData("0 * * * * *", 48)]       // every minute
    public void TheDerivedRunBudgetEndsBeforeTheNextTick(string schedule, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Read(("ScrapeSchedule", schedule)).RunBudgetAt(Now));

    [Fact]
    public void BudgetsAreReadAsPrometheusDurations()
    {
        var settings = Read(("Federation__StorageBudget", "1500ms"), ("Federation__ScrapeRunBudget", "1m30s"));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), settings.StorageBudget);
        Assert.Equal(TimeSpan.FromSeconds(90), settings.RunBudgetAt(Now));
    }

    [Theory]
    [InlineData("Federation__StorageBudget", "5")]
    [InlineData("Federation__StorageBudget", "0s")]
    [InlineData("Federation__ScrapeRunBudget", "soon")]
    public void ABadBudgetIsRefusedNamingTheSetting(string name, string value)
    {
        var ex = Assert.Throws<ConfigException>(() => Read((name, value)));
        Assert.StartsWith($"setting {name}: \"{value}\" is not a positive duration", ex.Message);
    }
}
