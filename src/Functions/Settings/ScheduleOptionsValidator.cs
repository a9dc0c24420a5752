using FedFunctions.Core.Configuration;
using FedFunctions.Core.Scheduling;
using Microsoft.Extensions.Options;

namespace FedFunctions.Functions.Settings;

/// <summary>ScheduleOptionsValidator refuses a <c>ScrapeSchedule</c> the Functions host would refuse, saying why.</summary>
internal sealed class ScheduleOptionsValidator : IValidateOptions<ScheduleOptions>
{
    public ValidateOptionsResult Validate(string? name, ScheduleOptions options)
    {
        try
        {
            NcrontabSchedule.Parse(options.ScrapeSchedule);
            return ValidateOptionsResult.Success;
        }
        catch (ConfigException ex)
        {
            return ValidateOptionsResult.Fail($"setting {nameof(options.ScrapeSchedule)}: {ex.Message}");
        }
    }
}
