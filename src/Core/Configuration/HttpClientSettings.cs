using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;

namespace FedFunctions.Core.Configuration;

/// <summary>
/// HttpClientSettings are a job's HTTP client keys beyond authorization: <c>tls_config</c>, <c>oauth2</c>,
/// the proxy keys, <c>enable_http2</c>, <c>follow_redirects</c> and <c>http_headers</c>. Jobs with equal
/// settings share one HTTP handler (<see cref="CacheKey"/>). Secrets never appear in <see cref="ToString"/>.
/// </summary>
public sealed class HttpClientSettings
{
    /// <summary>The settings of a job that sets none of these keys.</summary>
    public static HttpClientSettings Default { get; } = new();

    /// <summary>Tls is the job's <c>tls_config</c>, or null.</summary>
    public TlsSettings? Tls { get; internal init; }

    /// <summary>Proxy is the job's proxy keys, or null for a direct connection.</summary>
    public ProxySettings? Proxy { get; internal init; }

    /// <summary>OAuth2 is the job's <c>oauth2</c> block, or null.</summary>
    public OAuth2Settings? OAuth2 { get; internal init; }

    /// <summary>EnableHttp2 offers HTTP/2 over TLS (<c>enable_http2</c>, default true).</summary>
    public bool EnableHttp2 { get; internal init; } = true;

    /// <summary>FollowRedirects follows HTTP redirects (<c>follow_redirects</c>, default true).</summary>
    public bool FollowRedirects { get; internal init; } = true;

    /// <summary>Headers are the <c>http_headers</c> added to every scrape (values, secrets and files).</summary>
    internal IReadOnlyList<HeaderSetting> Headers { get; init; } = [];

    /// <summary>IsDefault is true when only <c>follow_redirects</c>/<c>enable_http2</c> may differ from the defaults' client.</summary>
    internal bool NeedsOwnHandler => Tls is not null || Proxy is not null || OAuth2 is not null || Headers.Count > 0;

    /// <summary>
    /// CacheKey identifies equal client settings; secrets enter it only as SHA-256 hashes so the key itself
    /// can never leak one.
    /// </summary>
    internal string CacheKey => _cacheKey ??= BuildKey();

    private string? _cacheKey;

    private string BuildKey()
    {
        var text = new StringBuilder();
        text.Append("h2=").Append(EnableHttp2).Append(";redirects=").Append(FollowRedirects);
        Tls?.AppendKey(text.Append(";tls:"));
        Proxy?.AppendKey(text.Append(";proxy:"));
        OAuth2?.AppendKey(text.Append(";oauth2:"));
        foreach (var header in Headers)
            text.Append(";header:").Append(header.Name).Append('=').Append(Hash(string.Join('\n', header.Values))).Append('|').Append(string.Join('|', header.Files));
        return text.ToString();
    }

    internal static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <inheritdoc />
    public override string ToString() =>
        $"tls={(Tls is null ? "none" : "set")} proxy={(Proxy is null ? "none" : "set")} oauth2={(OAuth2 is null ? "none" : "set")} enable_http2={EnableHttp2} follow_redirects={FollowRedirects}";
}

/// <summary>TlsSettings is a <c>tls_config</c> block; relative file paths are already absolute.</summary>
public sealed class TlsSettings
{
    /// <summary>CaFile is the CA bundle file (<c>ca_file</c>), or null.</summary>
    public string? CaFile { get; internal init; }

    /// <summary>CertFile is the client certificate file (<c>cert_file</c>), or null.</summary>
    public string? CertFile { get; internal init; }

    /// <summary>KeyFile is the client key file (<c>key_file</c>), or null.</summary>
    public string? KeyFile { get; internal init; }

    /// <summary>ServerName is the name the server certificate is verified against (<c>server_name</c>), or null for the target host.</summary>
    public string? ServerName { get; internal init; }

    /// <summary>InsecureSkipVerify accepts any server certificate (<c>insecure_skip_verify</c>).</summary>
    public bool InsecureSkipVerify { get; internal init; }

    /// <summary>MinVersion is <c>min_version</c> (default TLS 1.2, as Go's client).</summary>
    public SslProtocols MinVersion { get; internal init; } = SslProtocols.Tls12;

    /// <summary>MaxVersion is <c>max_version</c> (default TLS 1.3).</summary>
    public SslProtocols MaxVersion { get; internal init; } = SslProtocols.Tls13;

    internal string? Ca { get; init; }
    internal string? Cert { get; init; }
    internal string? Key { get; init; }

    /// <summary>The files whose change rebuilds the client (rotated certificates apply without a restart).</summary>
    internal IEnumerable<string> Files => new[] { CaFile, CertFile, KeyFile }.OfType<string>();

    internal void AppendKey(StringBuilder text) =>
        text.Append(CaFile).Append('|').Append(CertFile).Append('|').Append(KeyFile).Append('|')
            .Append(HttpClientSettings.Hash(Ca ?? "")).Append('|').Append(HttpClientSettings.Hash(Cert ?? "")).Append('|')
            .Append(HttpClientSettings.Hash(Key ?? "")).Append('|').Append(ServerName).Append('|').Append(InsecureSkipVerify)
            .Append('|').Append(MinVersion).Append('|').Append(MaxVersion);
}

/// <summary>ProxySettings are <c>proxy_url</c>, <c>no_proxy</c>, <c>proxy_from_environment</c> and <c>proxy_connect_header</c>.</summary>
public sealed class ProxySettings
{
    /// <summary>ProxyUrl is the proxy every request goes through (unless <see cref="NoProxy"/> matches), or null.</summary>
    public Uri? ProxyUrl { get; internal init; }

    /// <summary>NoProxy is the comma-separated list of hosts, domains, IPs and CIDRs reached directly.</summary>
    public string NoProxy { get; internal init; } = "";

    /// <summary>FromEnvironment reads HTTP_PROXY, HTTPS_PROXY and NO_PROXY (<c>proxy_from_environment</c>).</summary>
    public bool FromEnvironment { get; internal init; }

    /// <summary>The headers sent with CONNECT (secrets; never shown).</summary>
    internal IReadOnlyList<HeaderSetting> ConnectHeaders { get; init; } = [];

    internal void AppendKey(StringBuilder text)
    {
        text.Append(ProxyUrl?.AbsoluteUri).Append('|').Append(NoProxy).Append('|').Append(FromEnvironment);
        foreach (var header in ConnectHeaders)
            text.Append('|').Append(header.Name).Append('=').Append(HttpClientSettings.Hash(string.Join('\n', header.Values)));
    }
}

/// <summary>OAuth2Settings is an <c>oauth2</c> block (client credentials grant).</summary>
public sealed class OAuth2Settings
{
    /// <summary>ClientId is <c>client_id</c>.</summary>
    public string ClientId { get; internal init; } = "";

    /// <summary>ClientSecretFile is the absolute path of <c>client_secret_file</c>, read at each token request, or null.</summary>
    public string? ClientSecretFile { get; internal init; }

    /// <summary>Scopes are sent space-separated as <c>scope</c>.</summary>
    public IReadOnlyList<string> Scopes { get; internal init; } = [];

    /// <summary>TokenUrl is <c>token_url</c>.</summary>
    public Uri TokenUrl { get; internal init; } = null!;

    /// <summary>EndpointParams are extra form parameters of the token request.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> EndpointParams { get; internal init; } = [];

    /// <summary>Tls is the token endpoint's own <c>tls_config</c>, or null.</summary>
    public TlsSettings? Tls { get; internal init; }

    /// <summary>Proxy is the token endpoint's own proxy keys, or null.</summary>
    public ProxySettings? Proxy { get; internal init; }

    internal string ClientSecret { get; init; } = "";

    internal void AppendKey(StringBuilder text)
    {
        text.Append(ClientId).Append('|').Append(HttpClientSettings.Hash(ClientSecret)).Append('|').Append(ClientSecretFile)
            .Append('|').Append(string.Join(' ', Scopes)).Append('|').Append(TokenUrl.AbsoluteUri);
        foreach (var (k, v) in EndpointParams) text.Append('|').Append(k).Append('=').Append(HttpClientSettings.Hash(v));
        Tls?.AppendKey(text.Append("|tls:"));
        Proxy?.AppendKey(text.Append("|proxy:"));
    }
}

/// <summary>One header of <c>http_headers</c> or <c>proxy_connect_header</c>: inline values and absolute file paths.</summary>
internal sealed record HeaderSetting(string Name, IReadOnlyList<string> Values, IReadOnlyList<string> Files);
