using System.Net;
using System.Net.Sockets;

namespace FedFunctions.TestSupport;

/// <summary>FreePort asks the OS for a loopback port that is free right now.</summary>
public static class FreePort
{
    /// <summary>A port on 127.0.0.1 nobody listens on at the moment of the call.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
