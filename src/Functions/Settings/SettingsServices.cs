using FedFunctions.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FedFunctions.Functions.Settings;

/// <summary>
/// SettingsServices binds the app's settings from .NET configuration (environment variables as
/// <c>Section__Key</c>, app settings in Azure, <c>local.settings.json</c> values under <c>func start</c>) into
/// <see cref="FederationOptions"/>, <see cref="ScheduleOptions"/> and <see cref="StorageOptions"/>, validated at start.
/// </summary>
internal static class SettingsServices
{
    /// <summary>Registers the options, bound from <paramref name="configuration"/>, with their validators.</summary>
    public static IServiceCollection AddFederationSettings(this IServiceCollection services, IConfiguration configuration)
    {
        configuration = NonBlank(configuration);
        services.AddOptions<FederationOptions>()
            .Bind(configuration.GetSection(FederationOptions.Section))
            .ValidateOnStart();
        services.AddOptions<ScheduleOptions>()
            .Bind(configuration)
            .ValidateOnStart();
        var storage = configuration.GetSection(StorageOptions.Section);
        services.AddOptions<StorageOptions>()
            .Bind(storage)
            .Configure(o => o.ConnectionString = storage.Value)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<FederationOptions>, FederationOptionsValidator>();
        services.AddSingleton<IValidateOptions<ScheduleOptions>, ScheduleOptionsValidator>();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        return services;
    }

    /// <summary>
    /// Check reads and validates every setting now, so a wrong one stops the app before it starts, not at the
    /// first request or tick (<c>ValidateOnStart</c> checks again when the host starts).
    /// </summary>
    /// <exception cref="ConfigException">A setting is malformed; the message names it.</exception>
    public static void Check(IServiceProvider services)
    {
        try
        {
            _ = services.GetRequiredService<IOptions<FederationOptions>>().Value;
            _ = services.GetRequiredService<IOptions<ScheduleOptions>>().Value;
            _ = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            throw new ConfigException(string.Join("; ", ex.Failures), ex);
        }
        catch (InvalidOperationException ex)
        {
            // The binder could not convert a value (a word where a number belongs); its message names the key.
            throw new ConfigException(ex.Message, ex);
        }
    }

    /// <summary>
    /// NonBlank is <paramref name="configuration"/> without its blank values, the others trimmed: an app setting or
    /// <c>local.settings.json</c> value left empty means "unset" (the default), as in the sample file.
    /// </summary>
    private static IConfiguration NonBlank(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new ConfigurationBuilder()
            .AddInMemoryCollection(configuration.AsEnumerable()
                .Where(setting => !string.IsNullOrWhiteSpace(setting.Value))
                .Select(setting => new KeyValuePair<string, string?>(setting.Key, setting.Value!.Trim())))
            .Build();
    }
}
