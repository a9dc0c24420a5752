using System.Security.Authentication;
using YamlDotNet.RepresentationModel;

namespace FedFunctions.Core.Configuration;

// tls_config, oauth2, the proxy keys, enable_http2 and http_headers, with Prometheus' validation messages
// (prometheus/common config/http_config.go). PEM content is checked at load so a bad certificate is refused
// with its key and line instead of failing every scrape.
internal static partial class FederationConfigParser
{
    // Headers a job may not set through http_headers (Prometheus' reservedHeaders).
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Host", "Content-Encoding", "Content-Length", "Content-Type", "User-Agent", "Connection",
        "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Www-Authenticate", "Accept-Encoding",
        "X-Prometheus-Remote-Write-Version", "X-Prometheus-Remote-Read-Version", "X-Prometheus-Scrape-Timeout-Seconds",
        "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256",
    };

    private static bool TryParseClientKey(YamlConfigReader reader, string key, YamlNode value, string where, HttpSettings http)
    {
        switch (key)
        {
            case "tls_config": http.Tls = ParseTls(reader, value, $"tls_config in {where}"); return true;
            case "oauth2": http.OAuth2Node = value; http.OAuth2 = ParseOAuth2(reader, value, $"oauth2 in {where}"); return true;
            case "enable_http2": http.EnableHttp2 = reader.Bool(value, key, where); return true;
            case "http_headers": http.Headers = ParseHeaders(reader, value, key, where, checkReserved: true); return true;
            default: return TryParseProxyKey(reader, key, value, where, http.Proxy);
        }
    }

    private sealed class ProxyRaw
    {
        public string Url = "", NoProxy = "";
        public bool FromEnvironment;
        public YamlNode? UrlNode, NoProxyNode, FromEnvironmentNode, ConnectHeaderNode;
        public List<HeaderSetting> ConnectHeaders = [];
    }

    private static bool TryParseProxyKey(YamlConfigReader reader, string key, YamlNode value, string where, ProxyRaw proxy)
    {
        switch (key)
        {
            case "proxy_url": proxy.Url = reader.String(value, key, where); proxy.UrlNode = value; return true;
            case "no_proxy": proxy.NoProxy = reader.String(value, key, where); proxy.NoProxyNode = value; return true;
            case "proxy_from_environment": proxy.FromEnvironment = reader.Bool(value, key, where); proxy.FromEnvironmentNode = value; return true;
            case "proxy_connect_header":
                proxy.ConnectHeaderNode = value;
                var headers = new List<HeaderSetting>();
                foreach (var (name, _, values) in reader.Mapping(value, key, where))
                    headers.Add(new HeaderSetting(name, reader.Sequence(values, name, $"{key} in {where}").Select(v => reader.String(v, name, $"{key} in {where}")).ToList(), []));
                proxy.ConnectHeaders = headers;
                return true;
            default: return false;
        }
    }

    // ProxyConfig.Validate, then the URL itself (not quoted back: it may carry a password).
    private static ProxySettings? BuildProxy(YamlConfigReader reader, ProxyRaw proxy, string where)
    {
        if (proxy.ConnectHeaderNode is not null && proxy.ConnectHeaders.Count > 0 && proxy.Url.Length == 0 && !proxy.FromEnvironment)
            throw reader.Fail(proxy.ConnectHeaderNode, "proxy_connect_header", $"if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured in {where}");
        if (proxy.FromEnvironment && proxy.Url.Length > 0)
            throw reader.Fail(proxy.UrlNode!, "proxy_url", $"if proxy_from_environment is configured, proxy_url must not be configured in {where}");
        if (proxy.FromEnvironment && proxy.NoProxy.Length > 0)
            throw reader.Fail(proxy.NoProxyNode!, "no_proxy", $"if proxy_from_environment is configured, no_proxy must not be configured in {where}");
        if (proxy.NoProxy.Length > 0 && proxy.Url.Length == 0)
            throw reader.Fail(proxy.NoProxyNode!, "no_proxy", $"if no_proxy is configured, proxy_url must also be configured in {where}");
        Uri? url = null;
        if (proxy.Url.Length > 0 && (!Uri.TryCreate(proxy.Url, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https")))
            throw reader.Fail(proxy.UrlNode!, "proxy_url", $"invalid proxy_url in {where}: must be an absolute http or https URL");
        if (url is null && !proxy.FromEnvironment) return null;
        return new ProxySettings { ProxyUrl = url, NoProxy = proxy.NoProxy, FromEnvironment = proxy.FromEnvironment, ConnectHeaders = proxy.ConnectHeaders };
    }

    private static List<HeaderSetting> ParseHeaders(YamlConfigReader reader, YamlNode node, string key, string where, bool checkReserved)
    {
        var headers = new List<HeaderSetting>();
        foreach (var (name, nameNode, value) in reader.Mapping(node, key, where))
        {
            if (checkReserved && ReservedHeaders.Contains(name))
                throw reader.Fail(nameNode, key, $"setting header \"{Canonical(name)}\" is not allowed in {key} in {where}");
            var values = new List<string>();
            var files = new List<string>();
            foreach (var (k, kNode, v) in reader.Mapping(value, name, $"{key} in {where}"))
            {
                var items = reader.Sequence(v, k, $"{key} \"{name}\" in {where}").Select(i => reader.String(i, k, $"{key} \"{name}\" in {where}"));
                switch (k)
                {
                    case "values" or "secrets": values.AddRange(items); break;
                    case "files":
                        foreach (var (path, item) in items.Zip(reader.Sequence(v, k, where)))
                            files.Add(SecretFile(reader, path, item, "files", $"{key} \"{name}\" in {where}")!);
                        break;
                    default: throw reader.Fail(kNode, k, $"unknown key \"{k}\" in {key} \"{name}\" in {where}");
                }
            }
            headers.Add(new HeaderSetting(name, values, files));
        }
        return headers;
    }

    private static string Canonical(string name) =>
        string.Join('-', name.Split('-').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..].ToLowerInvariant()));

    private static TlsSettings ParseTls(YamlConfigReader reader, YamlNode node, string where)
    {
        string? ca = null, caFile = null, cert = null, certFile = null, key = null, keyFile = null, serverName = null;
        YamlNode? caNode = null, certNode = null, keyNode = null;
        var insecure = false;
        SslProtocols min = SslProtocols.Tls12, max = SslProtocols.Tls13;
        foreach (var (k, kNode, v) in reader.Mapping(node, "tls_config", where))
        {
            switch (k)
            {
                case "ca": ca = reader.String(v, k, where); caNode ??= v; if (caFile is not null) throw Both(v, "ca"); break;
                case "ca_file": caFile = SecretFile(reader, reader.String(v, k, where), v, k, where); caNode ??= v; if (ca is not null) throw Both(v, "ca"); break;
                case "cert": cert = reader.String(v, k, where); certNode ??= v; if (certFile is not null) throw Both(v, "cert"); break;
                case "cert_file": certFile = SecretFile(reader, reader.String(v, k, where), v, k, where); certNode ??= v; if (cert is not null) throw Both(v, "cert"); break;
                case "key": key = reader.String(v, k, where); keyNode ??= v; if (keyFile is not null) throw BothKey(v); break;
                case "key_file": keyFile = SecretFile(reader, reader.String(v, k, where), v, k, where); keyNode ??= v; if (key is not null) throw BothKey(v); break;
                case "server_name": serverName = reader.String(v, k, where); break;
                case "insecure_skip_verify": insecure = reader.Bool(v, k, where); break;
                case "min_version": min = TlsVersion(reader, v, k, where); break;
                case "max_version": max = TlsVersion(reader, v, k, where); break;
                case "ca_ref" or "cert_ref" or "key_ref":
                    throw reader.Fail(kNode, k, $"unsupported key \"{k}\" in {where} (needs a secret manager)");
                default: throw reader.Fail(kNode, k, $"unknown key \"{k}\" in {where}");
            }
        }
        var hasCert = !string.IsNullOrEmpty(cert) || certFile is not null;
        var hasKey = !string.IsNullOrEmpty(key) || keyFile is not null;
        if (hasCert && !hasKey)
            throw reader.Fail(certNode!, certFile is not null ? "cert_file" : "cert", $"exactly one of key or key_file must be configured when a client certificate is configured in {where}");
        if (hasKey && !hasCert)
            throw reader.Fail(keyNode!, keyFile is not null ? "key_file" : "key", $"exactly one of cert or cert_file must be configured when a client key is configured in {where}");

        var settings = new TlsSettings
        {
            Ca = string.IsNullOrEmpty(ca) ? null : ca, CaFile = caFile, Cert = hasCert && certFile is null ? cert : null, CertFile = certFile,
            Key = hasKey && keyFile is null ? key : null, KeyFile = keyFile, ServerName = string.IsNullOrEmpty(serverName) ? null : serverName,
            InsecureSkipVerify = insecure, MinVersion = min, MaxVersion = max,
        };
        // Read the PEM now: a bad CA or key pair is refused at load, naming the key.
        var material = TlsMaterial.TryLoad(settings, out var error);
        if (material is null)
        {
            var (badNode, badKey) = error!.StartsWith("unable to use specified CA cert", StringComparison.Ordinal)
                ? (caNode!, caFile is not null ? "ca_file" : "ca")
                : (certNode!, certFile is not null ? "cert_file" : "cert");
            throw reader.Fail(badNode, badKey, $"{error} in {where}");
        }
        material.Dispose();
        return settings;

        ConfigException Both(YamlNode v, string name) =>
            reader.Fail(v, name, $"at most one of {name}, {name}_file & {name}_ref must be configured in {where}");
        ConfigException BothKey(YamlNode v) => reader.Fail(v, "key", $"at most one of key and key_file must be configured in {where}");
    }

    private static SslProtocols TlsVersion(YamlConfigReader reader, YamlNode node, string key, string where)
    {
        var text = reader.String(node, key, where);
#pragma warning disable SYSLIB0039, CA5397 // TLS 1.0/1.1 are obsolete but Prometheus accepts their names; the user chooses them.
        return text switch
        {
            "TLS10" => SslProtocols.Tls,
            "TLS11" => SslProtocols.Tls11,
            "TLS12" => SslProtocols.Tls12,
            "TLS13" => SslProtocols.Tls13,
            _ => throw reader.Fail(node, key, $"unknown TLS version: {text} in {where}"),
        };
#pragma warning restore SYSLIB0039, CA5397
    }

    private static OAuth2Settings ParseOAuth2(YamlConfigReader reader, YamlNode node, string where)
    {
        string clientId = "", secret = "", secretFile = "", tokenUrl = "";
        YamlNode? secretFileNode = null, tokenUrlNode = null;
        var scopes = new List<string>();
        var endpointParams = new List<KeyValuePair<string, string>>();
        TlsSettings? tls = null;
        var proxy = new ProxyRaw();
        foreach (var (k, kNode, v) in reader.Mapping(node, "oauth2", where))
        {
            switch (k)
            {
                case "client_id": clientId = reader.String(v, k, where); break;
                case "client_secret": secret = reader.String(v, k, where); break;
                case "client_secret_file": secretFile = reader.String(v, k, where); secretFileNode = v; break;
                case "scopes": scopes.AddRange(reader.Sequence(v, k, where).Select(s => reader.String(s, k, where))); break;
                case "token_url": tokenUrl = reader.String(v, k, where); tokenUrlNode = v; break;
                case "endpoint_params":
                    foreach (var (name, _, value) in reader.Mapping(v, k, where)) endpointParams.Add(new(name, reader.String(value, name, $"{k} in {where}")));
                    break;
                case "tls_config": tls = ParseTls(reader, v, $"tls_config in {where}"); break;
                default:
                    if (TryParseProxyKey(reader, k, v, where, proxy)) break;
                    throw reader.Fail(kNode, k, $"unknown key \"{k}\" in {where}");
            }
        }
        if (clientId.Length == 0) throw reader.Fail(node, "client_id", $"oauth2 client_id must be configured in {where}");
        if (secret.Length > 0 && secretFile.Length > 0)
            throw reader.Fail(secretFileNode!, "client_secret_file", $"at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured using grant-type=client_credentials in {where}");
        if (tokenUrl.Length == 0) throw reader.Fail(node, "token_url", $"oauth2 token_url must be configured in {where}");
        if (!Uri.TryCreate(tokenUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw reader.Fail(tokenUrlNode!, "token_url", $"invalid token_url \"{tokenUrl}\" in {where}: must be an absolute http or https URL");
        return new OAuth2Settings
        {
            ClientId = clientId, ClientSecret = secret,
            ClientSecretFile = SecretFile(reader, secretFile, secretFileNode, "client_secret_file", where),
            Scopes = scopes, TokenUrl = url, EndpointParams = endpointParams, Tls = tls, Proxy = BuildProxy(reader, proxy, where),
        };
    }

    private static HttpClientSettings BuildClientSettings(YamlConfigReader reader, HttpSettings http, bool followRedirects, string where)
    {
        if (http.OAuth2Node is { } oauthNode)
        {
            if (http.BasicAuthNode is not null || http.BearerTokenNode is not null || http.BearerTokenFileNode is not null)
                throw reader.Fail(oauthNode, "oauth2", $"at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured in {where}");
            if (http.AuthorizationNode is not null)
                throw reader.Fail(oauthNode, "oauth2", $"at most one of basic_auth, oauth2 & authorization must be configured in {where}");
        }
        var proxy = BuildProxy(reader, http.Proxy, where);
        if (http.Tls is null && proxy is null && http.OAuth2 is null && http.Headers.Count == 0 && http.EnableHttp2 && followRedirects)
            return HttpClientSettings.Default;
        return new HttpClientSettings
        {
            Tls = http.Tls, Proxy = proxy, OAuth2 = http.OAuth2, EnableHttp2 = http.EnableHttp2,
            FollowRedirects = followRedirects, Headers = http.Headers,
        };
    }
}
