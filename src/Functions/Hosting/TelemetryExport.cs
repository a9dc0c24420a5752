using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using FedFunctions.Functions.Monitoring;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FedFunctions.Functions.Hosting;

/// <summary>
/// TelemetryExport sends the app's metrics (<see cref="AppMetrics.MeterName"/>), its spans (<see cref="Tracing.SourceName"/>)
/// and its logs to Application Insights through Azure Monitor's OpenTelemetry distro when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set; without it nothing is exported and nothing changes.
/// With <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> = <c>Authorization=AAD</c> (optionally <c>ClientId=&lt;id&gt;;</c>)
/// it authenticates with the managed identity (Entra; the resource refuses instrumentation-key ingestion).
/// In worker mode the Functions worker's defaults are added, so the host's and the worker's spans join.
/// Every span is kept (fixed-rate sampling at 100%): the app makes a few spans a minute.
/// </summary>
internal static class TelemetryExport
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>Adds the exporter when the connection string is set; returns whether it did.</summary>
    /// <exception cref="Core.Configuration.ConfigException">The authentication string is not one Azure Monitor accepts.</exception>
    public static bool AddTelemetryExport(this IServiceCollection services, IConfiguration configuration, bool worker)
    {
        var connectionString = configuration[ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString)) return false;
        var credential = CredentialFor(configuration[AuthenticationStringSetting]);

        var telemetry = services.AddOpenTelemetry();
        if (worker) telemetry.UseFunctionsWorkerDefaults();
        telemetry.UseAzureMonitor(o =>
        {
            o.ConnectionString = connectionString;
            o.Credential = credential;
            // Explicit sampling: keep every span instead of the distro's default of 5 traces per second.
            o.TracesPerSecond = null;
            o.SamplingRatio = 1.0F;
        });
        telemetry.WithMetrics(m => m.AddMeter(AppMetrics.MeterName));
        telemetry.WithTracing(t => t.AddSource(Tracing.SourceName));
        return true;
    }

    /// <summary>
    /// CredentialFor reads <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>: null (or empty) means instrumentation-key
    /// ingestion; <c>Authorization=AAD</c> the system-assigned identity; with <c>ClientId=&lt;id&gt;</c> that user-assigned one.
    /// </summary>
    /// <exception cref="Core.Configuration.ConfigException">Anything else.</exception>
    public static TokenCredential? CredentialFor(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString)) return null;
        string? authorization = null, clientId = null;
        foreach (var part in authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? part : part[..equals].Trim();
            var value = equals < 0 ? "" : part[(equals + 1)..].Trim();
            if (key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)) authorization = value;
            else if (key.Equals("ClientId", StringComparison.OrdinalIgnoreCase)) clientId = value;
            else throw Invalid($"unknown key \"{key}\"");
        }
        if (!"AAD".Equals(authorization, StringComparison.OrdinalIgnoreCase)) throw Invalid("Authorization must be AAD");
        return string.IsNullOrEmpty(clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
    }

    private static Core.Configuration.ConfigException Invalid(string why) =>
        new($"{AuthenticationStringSetting}: {why} (expected \"Authorization=AAD\" or \"ClientId=<client id>;Authorization=AAD\")");
}
