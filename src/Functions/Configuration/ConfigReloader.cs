using FedFunctions.Core.Configuration;
using FedFunctions.Core.Federation;
using FedFunctions.Core.Ingestion;
using FedFunctions.Functions.Monitoring;

namespace FedFunctions.Functions.Configuration;

/// <summary>
/// ConfigReloader holds the running scrape configuration and replaces it when its source changed, as
/// Prometheus' reload does: a new configuration is parsed whole first, and only a valid one is swapped in
/// (a new <see cref="ScrapeCycle"/> and <see cref="FederationService"/> built from it); a bad one is refused,
/// logged with its file, line and key, and the last good one keeps running. A scrape run or <c>/federate</c>
/// request in progress finishes on the configuration it started with. The outcome shows on <c>/metrics</c>
/// as <c>fedfunctions_config_last_reload_successful</c> and <c>..._success_timestamp_seconds</c>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "SemaphoreSlim holds no unmanaged resource unless AvailableWaitHandle is used, which it is not.")]
public sealed class ConfigReloader
{
    /// <summary>StartTimeout (30 s) bounds reading the configuration at start (a blob behind a slow network).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ConfigSource _source;
    private readonly Func<FederationConfig, string, RunningConfig> _activate;
    private readonly AppMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private RunningConfig? _current;
    private string? _runningHash;
    // The source version whose content is the running configuration; a failed attempt leaves it, so it is tried again.
    private string? _runningVersion;

    /// <summary>
    /// Creates the reloader; <paramref name="activate"/> builds what runs on a configuration, given the hash of its text
    /// (called once per accepted one).
    /// </summary>
    internal ConfigReloader(ConfigSource source, Func<FederationConfig, string, RunningConfig> activate, AppMetrics metrics, TimeProvider time, ILogger<ConfigReloader> logger)
    {
        _source = source;
        _activate = activate;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Source names the configuration file or blob URL.</summary>
    public string Source => _source.Name;

    /// <summary>Current is the configuration in force and what runs on it; read it once per run or request.</summary>
    /// <exception cref="InvalidOperationException"><see cref="LoadAtStart"/> has not succeeded.</exception>
    public RunningConfig Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("the scrape configuration was not loaded at start");

    /// <summary>LoadAtStart reads and applies the configuration before the app starts; any problem stops the start.</summary>
    /// <exception cref="ConfigException">The source cannot be read or holds no valid configuration.</exception>
    public void LoadAtStart()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        ConfigText text;
        try
        {
            text = _source.ReadIfChangedAsync(null, timeout.Token).GetAwaiter().GetResult()!;
        }
        catch (OperationCanceledException ex)
        {
            throw new ConfigException($"{_source.Name}: cannot read configuration: no answer within {StartTimeout.TotalSeconds:0} s", ex);
        }
        Apply(text, _source.Parse(text.Text));
    }

    /// <summary>
    /// Checks the source and applies a changed configuration; never throws for a bad or unreadable one (the
    /// result says what happened, and the last good configuration stays). Checks run one at a time.
    /// </summary>
    /// <param name="trigger">Who asked (scrape run, SIGHUP, <c>POST /-/reload</c>), for the log.</param>
    /// <param name="timeout">How long reading the source may take.</param>
    /// <param name="cancellationToken">Abandons the check (the configuration stays as it was).</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ReloadResult> ReloadAsync(string trigger, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            ConfigText? text;
            try
            {
                text = await _source.ReadIfChangedAsync(_runningVersion, deadline.Token).ConfigureAwait(false);
            }
            catch (ConfigException ex)
            {
                return Refused(trigger, "unreadable", ConfigProblem.Describe(ex));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Refused(trigger, "unreadable", $"{_source.Name}: cannot read configuration: no answer within {timeout.TotalSeconds:0.###} s");
            }

            if (text is null || text.Hash == _runningHash)
            {
                // The source holds the configuration that runs (touched or re-uploaded unchanged, or back after a failure).
                if (text is not null) _runningVersion = text.Version;
                _metrics.ConfigLastReloadSuccessful.Set(1);
                return ReloadResult.Unchanged;
            }

            FederationConfig config;
            try
            {
                config = _source.Parse(text.Text);
            }
            catch (ConfigException ex)
            {
                return Refused(trigger, "invalid", ConfigProblem.Describe(ex));
            }
            Apply(text, config);
            _metrics.ConfigReloads.Inc("success");
            _logger.ConfigReloaded(_source.Name, trigger, config.ScrapeConfigs.Count, config.Targets().Count);
            return ReloadResult.Reloaded;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private void Apply(ConfigText text, FederationConfig config)
    {
        Volatile.Write(ref _current, _activate(config, text.Hash) with { Hash = text.Hash });
        _runningHash = text.Hash;
        _runningVersion = text.Version;
        _metrics.ConfigLastReloadSuccessful.Set(1);
        _metrics.ConfigLastReloadSuccessTimestamp.Set(_time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
    }

    private ReloadResult Refused(string trigger, string outcome, string error)
    {
        _metrics.ConfigLastReloadSuccessful.Set(0);
        _metrics.ConfigReloads.Inc(outcome);
        _logger.ConfigReloadFailed(_source.Name, trigger, error);
        return ReloadResult.Failed(error);
    }
}

/// <summary>RunningConfig is one accepted configuration and the scrape cycle and federation service built on it.</summary>
/// <param name="Config">The configuration.</param>
/// <param name="Cycle">Scrapes its targets.</param>
/// <param name="Federation">Answers <c>/federate</c> with its external labels and jobs.</param>
public sealed record RunningConfig(FederationConfig Config, ScrapeCycle Cycle, FederationService Federation)
{
    /// <summary>Hash is the SHA-256 (hex) of the configuration text: shard messages carry it, so a worker knows it scrapes with the same settings.</summary>
    public string Hash { get; init; } = "";
}

/// <summary>ReloadResult is how one check of the configuration source went.</summary>
/// <param name="Changed">Whether a new configuration was applied.</param>
/// <param name="Error">Why the source's configuration was refused (the last good one still runs); null when none was.</param>
public sealed record ReloadResult(bool Changed, string? Error)
{
    /// <summary>The source holds the running configuration.</summary>
    public static readonly ReloadResult Unchanged = new(false, null);

    /// <summary>A new configuration was applied.</summary>
    public static readonly ReloadResult Reloaded = new(true, null);

    /// <summary>Whether the source's configuration runs now.</summary>
    public bool Succeeded => Error is null;

    /// <summary>The source could not be read or its configuration is invalid.</summary>
    public static ReloadResult Failed(string error) => new(false, error);
}
