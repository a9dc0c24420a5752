using FedFunctions.Core.Ingestion;
using Microsoft.Extensions.Logging;

namespace FedFunctions.Functions.Monitoring;

/// <summary>
/// AppLog holds every log message the app writes, as source-generated methods: each message has one
/// event id and one template, and nothing is formatted when its level is off.
/// </summary>
internal static partial class AppLog
{
    [LoggerMessage(1, LogLevel.Information, "{Trigger}: {Summary}")]
    public static partial void CycleSucceeded(this ILogger logger, string trigger, ScrapeCycleResult summary);

    [LoggerMessage(2, LogLevel.Error, "{Trigger}: {Summary}; {Error}")]
    public static partial void CycleFailed(this ILogger logger, string trigger, ScrapeCycleResult summary, string? error);

    [LoggerMessage(3, LogLevel.Error, "{Trigger}: {Error}")]
    public static partial void CycleStorageFailed(this ILogger logger, string trigger, string error);

    [LoggerMessage(4, LogLevel.Error, "POST /-/scrape: scrape run failed")]
    public static partial void ScrapeNowFailed(this ILogger logger, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "timer is past due; scraping now")]
    public static partial void TimerPastDue(this ILogger logger);

    [LoggerMessage(6, LogLevel.Information, "local scheduler: scraping on \"{Schedule}\" (UTC)")]
    public static partial void LocalSchedulerStarted(this ILogger logger, string schedule);

    [LoggerMessage(7, LogLevel.Warning, "local scheduler: schedule \"{Schedule}\" has no next occurrence; stopping")]
    public static partial void LocalSchedulerExhausted(this ILogger logger, string schedule);

    [LoggerMessage(8, LogLevel.Error, "local scheduler: scrape run failed; trying again at the next occurrence")]
    public static partial void LocalScrapeFailed(this ILogger logger, Exception exception);

    [LoggerMessage(9, LogLevel.Error, "federate: storage unavailable: {Error}")]
    public static partial void FederateStorageUnavailable(this ILogger logger, string error);

    [LoggerMessage(10, LogLevel.Error, "storage not ready yet: {Error}")]
    public static partial void StorageNotReady(this ILogger logger, string error);

    [LoggerMessage(11, LogLevel.Warning, "storage was missing and has been created again: {Reason}")]
    public static partial void StorageRecreated(this ILogger logger, string reason);

    [LoggerMessage(12, LogLevel.Error, "skipping unreadable snapshot entity of {Job}/{Target}: {Reason}")]
    public static partial void CorruptEntity(this ILogger logger, string job, string target, string reason);

    [LoggerMessage(13, LogLevel.Error, "skipping unreadable snapshot of {Job}/{Target}: {Error}")]
    public static partial void CorruptSnapshot(this ILogger logger, string job, string target, string error);

    [LoggerMessage(40, LogLevel.Error, "file discovery: error reading file {Path}, keeping its last good targets: {Error}")]
    public static partial void SdFileReadFailed(this ILogger logger, string path, string error);

    [LoggerMessage(41, LogLevel.Error, "http discovery: unable to refresh target groups from {Url}, keeping its last good targets: {Error}")]
    public static partial void SdHttpRefreshFailed(this ILogger logger, string url, string error);

    [LoggerMessage(42, LogLevel.Warning, "job {Job}: creating target failed, skipped: {Error}; discovered labels {Labels}")]
    public static partial void SdTargetSkipped(this ILogger logger, string job, string error, string labels);

    [LoggerMessage(43, LogLevel.Warning, "job {Job}: target_limit exceeded (number of targets: {Targets}, limit: {Limit}); every scrape of the job fails")]
    public static partial void SdTargetLimitExceeded(this ILogger logger, string job, int targets, long limit);

    [LoggerMessage(19, LogLevel.Warning, "federate: refreshing the snapshot listing in the background failed; requests keep the last listing for one more refresh interval: {Error}")]
    public static partial void BackgroundRefreshFailed(this ILogger logger, string error);

    [LoggerMessage(14, LogLevel.Information, "configuration reloaded from {Source} ({Trigger}): {Jobs} jobs, {Targets} static targets")]
    public static partial void ConfigReloaded(this ILogger logger, string source, string trigger, int jobs, int targets);

    [LoggerMessage(15, LogLevel.Error, "configuration reload from {Source} failed ({Trigger}); the last good configuration keeps running: {Error}")]
    public static partial void ConfigReloadFailed(this ILogger logger, string source, string trigger, string error);

    [LoggerMessage(16, LogLevel.Information, "SIGHUP: reloading the configuration")]
    public static partial void SighupReceived(this ILogger logger);

    [LoggerMessage(17, LogLevel.Error, "configuration watcher: check failed; trying again at the next occurrence")]
    public static partial void ConfigWatchFailed(this ILogger logger, Exception exception);

    [LoggerMessage(18, LogLevel.Warning, "target list not stored (the targets API shows the previous one): {Error}")]
    public static partial void TargetListNotStored(this ILogger logger, string error);
}
