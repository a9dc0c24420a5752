using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FedFunctions.Core.Tests.Scraping;

/// <summary>
/// TestPki is a certificate authority made in the test: a CA, a server certificate for 127.0.0.1 and localhost,
/// a client certificate, and an unrelated CA; each written as PEM files into a temporary folder.
/// </summary>
internal sealed class TestPki : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fedfn-pki-");

    public TestPki()
    {
        Ca = CreateCa("fedfn test CA");
        OtherCa = CreateCa("fedfn unrelated CA");
        Server = Issue(Ca, "fedfn test server", serverAuth: true);
        Client = Issue(Ca, "fedfn test client", serverAuth: false);
        CaFile = Write("ca.pem", Ca.ExportCertificatePem());
        OtherCaFile = Write("other-ca.pem", OtherCa.ExportCertificatePem());
        ServerCertFile = Write("server.pem", Server.ExportCertificatePem());
        ServerKeyFile = Write("server-key.pem", KeyPem(Server));
        ClientCertFile = Write("client.pem", Client.ExportCertificatePem());
        ClientKeyFile = Write("client-key.pem", KeyPem(Client));
    }

    public X509Certificate2 Ca { get; }
    public X509Certificate2 OtherCa { get; }
    public X509Certificate2 Server { get; }
    public X509Certificate2 Client { get; }
    public string CaFile { get; }
    public string OtherCaFile { get; }
    public string ServerCertFile { get; }
    public string ServerKeyFile { get; }
    public string ClientCertFile { get; }
    public string ClientKeyFile { get; }

    /// <summary>Write puts <paramref name="content"/> into a file of the PKI folder and returns its path.</summary>
    public string Write(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>ChainsTo is true when <paramref name="certificate"/> was issued by <paramref name="ca"/> alone.</summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        return chain.Build(certificate);
    }

    private static string KeyPem(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey()!;
        return key.ExportPkcs8PrivateKeyPem();
    }

    private static X509Certificate2 CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string name, bool serverAuth)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(16));
        using var withKey = issued.CopyWithPrivateKey(key);
        // A PKCS#12 round trip gives a key Kestrel and SslStream use on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        Ca.Dispose();
        OtherCa.Dispose();
        Server.Dispose();
        Client.Dispose();
        _dir.Delete(recursive: true);
    }
}
