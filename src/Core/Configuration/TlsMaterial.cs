using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FedFunctions.Core.Configuration;

/// <summary>
/// TlsMaterial is a <c>tls_config</c> read into certificates: the CA roots (which replace the system roots, as
/// Go's RootCAs do) and the client certificate with its key. It builds the SslClientAuthenticationOptions of one
/// handler; a changed file means new material and a new handler.
/// </summary>
internal sealed class TlsMaterial : IDisposable
{
    private TlsMaterial(TlsSettings settings, X509Certificate2Collection? roots, X509Certificate2? client)
    {
        Settings = settings;
        Roots = roots;
        Client = client;
    }

    public TlsSettings Settings { get; }
    public X509Certificate2Collection? Roots { get; }
    public X509Certificate2? Client { get; }

    /// <summary>TryLoad reads the PEM inline or from the files; null and a Prometheus-worded error when unusable.</summary>
    public static TlsMaterial? TryLoad(TlsSettings settings, out string? error)
    {
        error = null;
        X509Certificate2Collection? roots = null;
        string caPem;
        try
        {
            caPem = settings.CaFile is { } caFile ? File.ReadAllText(caFile) : settings.Ca ?? "";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"unable to read CA cert: {ex.Message}";
            return null;
        }
        if (caPem.Length > 0)
        {
            roots = [];
            try
            {
                roots.ImportFromPem(caPem);
            }
            catch (CryptographicException)
            {
                roots.Clear();
            }
            if (roots.Count == 0)
            {
                error = settings.CaFile is { } f ? $"unable to use specified CA cert file {f}" : "unable to use specified CA cert inline";
                return null;
            }
        }

        X509Certificate2? client = null;
        if (settings.CertFile is not null || settings.Cert is not null)
        {
            try
            {
                var certPem = settings.CertFile is { } cf ? File.ReadAllText(cf) : settings.Cert!;
                var keyPem = settings.KeyFile is { } kf ? File.ReadAllText(kf) : settings.Key!;
                using var ephemeral = X509Certificate2.CreateFromPem(certPem, keyPem);
                // A PKCS#12 round trip gives a key SslStream can use on every platform.
                client = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = $"unable to read specified client cert ({settings.CertFile ?? "inline"}) & key ({settings.KeyFile ?? "inline"}): {ex.Message}";
                return null;
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException)
            {
                // The message names the files, never the key material.
                error = $"unable to use specified client cert ({settings.CertFile ?? "inline"}) & key ({settings.KeyFile ?? "inline"}): {ex.GetType().Name}";
                return null;
            }
        }
        return new TlsMaterial(settings, roots, client);
    }

    /// <summary>The protocols from min_version to max_version; an error when max is below min (raised at build, as in Prometheus).</summary>
    public SslProtocols Protocols(out string? error)
    {
        error = null;
#pragma warning disable SYSLIB0039, CA5397 // TLS 1.0/1.1 are obsolete but Prometheus accepts their names; the user chooses them.
        SslProtocols[] ordered = [SslProtocols.Tls, SslProtocols.Tls11, SslProtocols.Tls12, SslProtocols.Tls13];
#pragma warning restore SYSLIB0039, CA5397
        var min = Array.IndexOf(ordered, Settings.MinVersion);
        var max = Array.IndexOf(ordered, Settings.MaxVersion);
        if (max < min)
        {
            error = "tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified";
            return SslProtocols.None;
        }
        var protocols = SslProtocols.None;
        for (var i = min; i <= max; i++) protocols |= ordered[i];
        return protocols;
    }

    /// <summary>ClientOptions are the handler's TLS options: version range, client certificate, verification.</summary>
    public SslClientAuthenticationOptions ClientOptions(SslProtocols protocols) => new()
    {
        EnabledSslProtocols = protocols,
        ClientCertificates = Client is null ? null : [Client],
        LocalCertificateSelectionCallback = Client is null ? null : (_, _, _, _, _) => Client,
        RemoteCertificateValidationCallback = Validate,
    };

    // Go's verification: chain to the configured CA only (or the system roots), and the name is server_name
    // when set, otherwise the host connected to.
    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (Settings.InsecureSkipVerify) return true;
        if (certificate is null) return false;
        var server = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var name = Settings.ServerName ?? (sender as SslStream)?.TargetHostName ?? "";
        if (Roots is null)
        {
            if ((errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) != SslPolicyErrors.None) return false;
            return server.MatchesHostname(name);
        }
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.AddRange(Roots);
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        return custom.Build(server) && server.MatchesHostname(name);
    }

    /// <summary>FilesHash is the SHA-256 of the CA, cert and key files (empty when all are inline); a change means rotation.</summary>
    public static string FilesHash(IEnumerable<string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var any = false;
        foreach (var file in files)
        {
            any = true;
            try
            {
                hash.AppendData(File.ReadAllBytes(file));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes("unreadable:" + file));
            }
        }
        return any ? Convert.ToHexString(hash.GetHashAndReset()) : "";
    }

    public void Dispose()
    {
        Client?.Dispose();
        if (Roots is not null)
        {
            foreach (var root in Roots) root.Dispose();
        }
    }
}
