using FedFunctions.Core.Scheduling;
using FedFunctions.Functions.Settings;
using Microsoft.Extensions.Options;

namespace FedFunctions.Functions.Hosting;

/// <summary>RunSchedule is when scrape runs start (<c>ScrapeSchedule</c>) and how long each may take (<c>Federation__ScrapeRunBudget</c>).</summary>
public sealed class RunSchedule
{
    private readonly TimeSpan? _runBudget;

    /// <summary>Creates the schedule from validated settings.</summary>
    public RunSchedule(IOptions<ScheduleOptions> schedule, IOptions<FederationOptions> federation)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(federation);
        Text = schedule.Value.ScrapeSchedule;
        Schedule = NcrontabSchedule.Parse(Text);
        _runBudget = federation.Value.ScrapeRunBudgetTime;
    }

    /// <summary>The schedule text as configured.</summary>
    public string Text { get; }

    /// <summary>The parsed schedule.</summary>
    public NcrontabSchedule Schedule { get; }

    /// <summary>MaxDerivedRunBudget (4 min) keeps a derived run budget under the host's 5 min <c>functionTimeout</c>.</summary>
    public static readonly TimeSpan MaxDerivedRunBudget = TimeSpan.FromMinutes(4);

    /// <summary>MinDerivedRunBudget (1 s) is the least derived run budget, for schedules firing more than once a second.</summary>
    public static readonly TimeSpan MinDerivedRunBudget = TimeSpan.FromSeconds(1);

    /// <summary>
    /// RunBudgetAt is the budget of a scrape run starting at <paramref name="now"/>: <c>Federation__ScrapeRunBudget</c> when
    /// set, else 80% of the schedule's interval after <paramref name="now"/> (the time between its next two occurrences),
    /// between <see cref="MinDerivedRunBudget"/> and <see cref="MaxDerivedRunBudget"/>, so a run ends well before the next tick.
    /// </summary>
    public TimeSpan RunBudgetAt(DateTimeOffset now)
    {
        if (_runBudget is { } configured) return configured;
        var next = Schedule.GetNextOccurrence(now);
        var after = next is null ? null : Schedule.GetNextOccurrence(next.Value);
        if (after is null) return MaxDerivedRunBudget; // no next tick to end before
        var budget = (after.Value - next!.Value) * 0.8;
        return budget < MinDerivedRunBudget ? MinDerivedRunBudget : budget > MaxDerivedRunBudget ? MaxDerivedRunBudget : budget;
    }
}
