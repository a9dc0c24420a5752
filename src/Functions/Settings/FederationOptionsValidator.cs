using FedFunctions.Core.Configuration;
using Microsoft.Extensions.Options;

namespace FedFunctions.Functions.Settings;

/// <summary>FederationOptionsValidator checks <see cref="FederationOptions"/> at start; each message names the setting and says what fits.</summary>
internal sealed class FederationOptionsValidator : IValidateOptions<FederationOptions>
{
    private const string Prefix = FederationOptions.Section + "__";

    public ValidateOptionsResult Validate(string? name, FederationOptions options)
    {
        var errors = new List<string>();
        PositiveDuration(errors, nameof(options.LookbackDelta), options.LookbackDelta, "5m");
        PositiveDuration(errors, nameof(options.StorageBudget), options.StorageBudget, "5s");
        if (!string.IsNullOrWhiteSpace(options.ScrapeRunBudget))
            PositiveDuration(errors, nameof(options.ScrapeRunBudget), options.ScrapeRunBudget, "10s");
        if (options.CacheRefresh is not "0" && !PrometheusDuration.TryParse(options.CacheRefresh, out _))
            errors.Add(Error(nameof(options.CacheRefresh), options.CacheRefresh, "is not a duration such as 1s (0s: every request)"));
        if (options.MaxConcurrency is < 1 or > 1024)
            errors.Add(Error(nameof(options.MaxConcurrency), options.MaxConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), "is not a number from 1 to 1024"));
        if (string.IsNullOrWhiteSpace(options.ConfigPath))
            errors.Add(Error(nameof(options.ConfigPath), options.ConfigPath, "is empty: name the scrape configuration file"));
        else if (Configuration.ConfigSource.IsUrl(options.ConfigPath) && Configuration.BlobConfigSource.UrlError(options.ConfigPath) is { } urlError)
            errors.Add(Error(nameof(options.ConfigPath), options.ConfigPath.Split('?')[0], urlError)); // never echo a SAS token
        if (!string.IsNullOrWhiteSpace(options.ConfigDirectory) && !Directory.Exists(options.ConfigDirectory))
            errors.Add(Error(nameof(options.ConfigDirectory), options.ConfigDirectory, "is not an existing directory"));
        if (options.ShardSize is < 0 or > 10_000)
            errors.Add(Error(nameof(options.ShardSize), Invariant(options.ShardSize), "is not a number from 0 (never fan out) to 10000"));
        if (Core.Sharding.ShardQueueClient.NameError(options.ShardQueue) is { } queueError)
            errors.Add(Error(nameof(options.ShardQueue), options.ShardQueue, queueError));
        if (options.QueueWorkers is < 0 or > 64)
            errors.Add(Error(nameof(options.QueueWorkers), Invariant(options.QueueWorkers), "is not a number from 0 (no shard worker) to 64"));
        if (options.QueueMaxDequeueCount is < 1 or > 100)
            errors.Add(Error(nameof(options.QueueMaxDequeueCount), Invariant(options.QueueMaxDequeueCount), "is not a number from 1 to 100"));
        PositiveDuration(errors, nameof(options.QueueVisibilityTimeout), options.QueueVisibilityTimeout, "30s");
        PositiveDuration(errors, nameof(options.QueuePollingInterval), options.QueuePollingInterval, "2s");
        if (options.QueueRetryDelay is not "0" && !PrometheusDuration.TryParse(options.QueueRetryDelay, out _))
            errors.Add(Error(nameof(options.QueueRetryDelay), options.QueueRetryDelay, "is not a duration such as 5s (0: retry at once)"));
        var store = options.StoreOptions;
        if (store.TableNameError() is { } tableError) errors.Add($"setting {Prefix}{nameof(options.SnapshotTable)}: {tableError}");
        if (store.ContainerNameError() is { } containerError) errors.Add($"setting {Prefix}{nameof(options.SnapshotContainer)}: {containerError}");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void PositiveDuration(List<string> errors, string property, string text, string example)
    {
        if (!PrometheusDuration.TryParse(text, out var parsed) || parsed <= TimeSpan.Zero)
            errors.Add(Error(property, text, $"is not a positive duration such as {example}"));
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Error(string property, string value, string problem) => $"setting {Prefix}{property}: \"{value}\" {problem}";
}
