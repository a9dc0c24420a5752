using Cronos;
using FedFunctions.Core.Configuration;

namespace FedFunctions.Core.Scheduling;

/// <summary>
/// NcrontabSchedule is the timer schedule Azure Functions uses: NCRONTAB with six fields
/// (<c>{second} {minute} {hour} {day} {month} {day-of-week}</c>, e.g. <c>0 */1 * * * *</c>). Classic
/// five-field cron (no seconds) is accepted too; macros such as <c>@hourly</c> and <c>L W # ?</c> are refused,
/// as the Functions timer refuses them. Times are UTC.
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

    private static readonly string[] MonthAndDayNames =
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private static string? UnsupportedSyntax(string text)
    {
        if (text.StartsWith('@')) return "@";
        foreach (var field in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var rest = field.ToUpperInvariant();
            foreach (var name in MonthAndDayNames) rest = rest.Replace(name, "", StringComparison.Ordinal);
            var index = rest.IndexOfAny(['L', 'W', '#', '?']);
            if (index >= 0) return rest[index].ToString();
        }
        return null;
    }

    /// <summary>Parse reads a six-field NCRONTAB (or five-field cron) expression.</summary>
    /// <exception cref="ConfigException">The expression is empty or invalid; the message says why.</exception>
    public static NcrontabSchedule Parse(string expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
            throw new ConfigException("invalid schedule \"\": expected six NCRONTAB fields \"{second} {minute} {hour} {day} {month} {day-of-week}\"", null, "ScrapeSchedule");
        var text = expression.Trim();
        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        // Cronos knows more than the Functions host's NCRONTAB does: a schedule that runs here but disables
        // the timer in Azure ("@hourly", "L", "W", "#", "?") is refused up front.
        if (UnsupportedSyntax(text) is { } unsupported)
            throw new ConfigException($"invalid schedule \"{text}\": \"{unsupported}\" is not NCRONTAB syntax the Azure Functions timer accepts", null, "ScrapeSchedule");
        CronFormat format;
        if (fields == 6) format = CronFormat.IncludeSeconds;
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
