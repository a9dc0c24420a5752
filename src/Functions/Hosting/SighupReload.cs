using System.Runtime.InteropServices;
using FedFunctions.Functions.Configuration;
using FedFunctions.Functions.Endpoints;
using FedFunctions.Functions.Monitoring;

namespace FedFunctions.Functions.Hosting;

/// <summary>
/// SighupReload reloads the configuration on SIGHUP in standalone mode, as Prometheus does (<c>kill -HUP</c>);
/// the signal no longer ends the process. The outcome is logged and shown on <c>/metrics</c>.
/// </summary>
internal sealed class SighupReload(ConfigReloader reloader, ILogger<SighupReload> logger) : IHostedService, IDisposable
{
    private PosixSignalRegistration? _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows()) _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => Interlocked.Exchange(ref _registration, null)?.Dispose();

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        logger.SighupReceived();
        // Off the signal thread; the reloader logs and counts the outcome itself.
        _ = Task.Run(() => reloader.ReloadAsync("SIGHUP", ReloadEndpoint.ReadTimeout, CancellationToken.None));
    }
}
