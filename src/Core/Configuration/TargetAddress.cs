namespace FedFunctions.Core.Configuration;

/// <summary>TargetAddress validates <c>host:port</c> target addresses (IPv6 hosts in brackets).</summary>
internal static class TargetAddress
{
    private static readonly System.Buffers.SearchValues<char> NotInHostPort = System.Buffers.SearchValues.Create("/?#@ \t");

    /// <summary>IsValid is true for <c>host:port</c> with a port in 1..65535 and no scheme, path or user info.</summary>
    public static bool IsValid(string address, out string reason)
    {
        reason = "";
        if (string.IsNullOrEmpty(address)) { reason = "empty address"; return false; }
        if (address.Contains("://", StringComparison.Ordinal)) { reason = "must be host:port without a scheme (set scheme on the job)"; return false; }
        if (address.AsSpan().IndexOfAny(NotInHostPort) >= 0) { reason = "must be host:port without a path, query or user info (set metrics_path and params on the job)"; return false; }

        var colon = address.LastIndexOf(':');
        var closing = address.LastIndexOf(']');
        if (colon < 0 || colon < closing) { reason = "missing port (expected host:port)"; return false; }
        var host = address[..colon];
        var port = address[(colon + 1)..];
        if (host.Length == 0) { reason = "missing host (expected host:port)"; return false; }
        if (!host.StartsWith('[') && host.Contains(':')) { reason = "IPv6 hosts must be written in brackets, e.g. [::1]:9090"; return false; }
        if (port.Length == 0 || port.Length > 5 || !port.All(char.IsAsciiDigit) || int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) is < 1 or > 65535)
        {
            reason = $"invalid port \"{port}\"";
            return false;
        }
        if (!Uri.TryCreate($"http://{address}/", UriKind.Absolute, out var uri) || uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) != port.TrimStart('0'))
        {
            reason = "not a valid host:port";
            return false;
        }
        return true;
    }
}
