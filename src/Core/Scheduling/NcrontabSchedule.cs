using Cronos;
using FedFunctions.Core.Configuration;

namespace FedFunctions.Core.Scheduling;

/// <summary>
/// NcrontabSchedule is the timer schedule Azure Functions uses: NCRONTAB with six fields
/// (<c>{second} {minute} {hour} {day} {month} {day-of-week}</c>, e.g. <c>0 */1 * * * *</c>). Classic
/// five-field cron (no seconds) and Cronos macros such as <c>@hourly</c> are accepted too. Times are UTC.
/// </summary>
public sealed class NcrontabSchedule
{
    private readonly CronExpression _expression;

    private NcrontabSchedule(string text, CronExpression expression)
    {
        Expression = text;
        _expression = expression;
    }

    /// <summary>Expression is the schedule as written.</summary>
    public string Expression { get; }

    /// <summary>Parse reads a six-field NCRONTAB (or five-field cron) expression.</summary>
    /// <exception cref="ConfigException">The expression is empty or invalid; the message says why.</exception>
    public static NcrontabSchedule Parse(string expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
            throw new ConfigException("invalid schedule \"\": expected six NCRONTAB fields \"{second} {minute} {hour} {day} {month} {day-of-week}\"", null, "ScrapeSchedule");
        var text = expression.Trim();
        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        CronFormat format;
        if (text.StartsWith('@')) format = CronFormat.Standard;
        else if (fields == 6) format = CronFormat.IncludeSeconds;
        else if (fields == 5) format = CronFormat.Standard;
        else
            throw new ConfigException(
                $"invalid schedule \"{text}\": expected six NCRONTAB fields \"{{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}\" (or five cron fields), got {fields}",
                null, "ScrapeSchedule");

        try
        {
            return new NcrontabSchedule(text, CronExpression.Parse(text, format));
        }
        catch (CronFormatException ex)
        {
            throw new ConfigException($"invalid schedule \"{text}\": {ex.Message}", null, "ScrapeSchedule", ex);
        }
    }

    /// <summary>GetNextOccurrence returns the first occurrence strictly after <paramref name="after"/>, in UTC, or null if none.</summary>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset after) =>
        _expression.GetNextOccurrence(after.ToUniversalTime(), TimeZoneInfo.Utc, inclusive: false);

    /// <inheritdoc />
    public override string ToString() => Expression;
}
