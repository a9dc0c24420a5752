namespace FedFunctions.Functions.Settings;

/// <summary>
/// ScheduleOptions hold <c>ScrapeSchedule</c>, a top-level setting because the timer trigger reads it too
/// (<c>%ScrapeSchedule%</c>): the NCRONTAB (six fields, UTC) of the timer and of the local scheduler.
/// </summary>
public sealed class ScheduleOptions
{
    /// <summary>ScrapeSchedule is the NCRONTAB of the scrape timer (every 15 s by default).</summary>
    public string ScrapeSchedule { get; set; } = "*/15 * * * * *";
}
