using YamlDotNet.RepresentationModel;

namespace FedFunctions.Core.Configuration;

internal static partial class FederationConfigParser
{
    // The HTTP client keys of one job as read, validated together afterwards like Prometheus'
    // HTTPClientConfig.Validate. Nodes are kept for the line of each message; secrets never enter one.
    private sealed class HttpSettings
    {
        public YamlNode? BasicAuthNode, AuthorizationNode, BearerTokenNode, BearerTokenFileNode;
        public string Username = "", Password = "", PasswordFile = "", Credentials = "", CredentialsFile = "", Type = "";
        public YamlNode? PasswordFileNode, CredentialsFileNode, TypeNode;
        public string BearerToken = "", BearerTokenFile = "";
        public TlsSettings? Tls;
        public OAuth2Settings? OAuth2;
        public YamlNode? OAuth2Node;
        public bool EnableHttp2 = true;
        public List<HeaderSetting> Headers = [];
        public readonly ProxyRaw Proxy = new();
    }

    private static bool TryParseHttpKey(YamlConfigReader reader, string key, YamlNode value, string where, HttpSettings http)
    {
        switch (key)
        {
            case "basic_auth":
                http.BasicAuthNode = value;
                foreach (var (k, keyNode, v) in reader.Mapping(value, key, where))
                {
                    switch (k)
                    {
                        case "username": http.Username = reader.String(v, k, $"basic_auth in {where}"); break;
                        case "password": http.Password = reader.String(v, k, $"basic_auth in {where}"); break;
                        case "password_file": http.PasswordFile = reader.String(v, k, $"basic_auth in {where}"); http.PasswordFileNode = v; break;
                        default: throw reader.Fail(keyNode, k, $"unknown key \"{k}\" in basic_auth in {where}");
                    }
                }
                return true;
            case "authorization":
                http.AuthorizationNode = value;
                foreach (var (k, keyNode, v) in reader.Mapping(value, key, where))
                {
                    switch (k)
                    {
                        case "type": http.Type = reader.String(v, k, $"authorization in {where}"); http.TypeNode = v; break;
                        case "credentials": http.Credentials = reader.String(v, k, $"authorization in {where}"); break;
                        case "credentials_file": http.CredentialsFile = reader.String(v, k, $"authorization in {where}"); http.CredentialsFileNode = v; break;
                        default: throw reader.Fail(keyNode, k, $"unknown key \"{k}\" in authorization in {where}");
                    }
                }
                return true;
            case "bearer_token":
                http.BearerToken = reader.String(value, key, where);
                http.BearerTokenNode = value;
                return true;
            case "bearer_token_file":
                http.BearerTokenFile = reader.String(value, key, where);
                http.BearerTokenFileNode = value;
                return true;
            default:
                return TryParseClientKey(reader, key, value, where, http);
        }
    }

    // Prometheus' checks, in its order and with its messages; then the legacy bearer_token keys become an
    // authorization of type Bearer. Secret files must exist now; they are read again at every scrape.
    private static ScrapeAuthorization? BuildAuthorization(YamlConfigReader reader, HttpSettings http, string where)
    {
        var bearer = http.BearerToken.Length > 0 || http.BearerTokenFile.Length > 0;
        var bearerNode = http.BearerTokenNode ?? http.BearerTokenFileNode;
        if (http.BearerToken.Length > 0 && http.BearerTokenFile.Length > 0)
            throw reader.Fail(http.BearerTokenFileNode!, "bearer_token_file", $"at most one of bearer_token & bearer_token_file must be configured in {where}");
        if (http.BasicAuthNode is not null && bearer)
            throw reader.Fail(bearerNode!, bearerNode == http.BearerTokenNode ? "bearer_token" : "bearer_token_file",
                $"at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured in {where}");
        if (http.BasicAuthNode is not null && http.Password.Length > 0 && http.PasswordFile.Length > 0)
            throw reader.Fail(http.PasswordFileNode!, "password_file", $"at most one of basic_auth password & password_file must be configured in {where}");

        if (http.AuthorizationNode is { } authNode)
        {
            if (bearer)
                throw reader.Fail(bearerNode!, bearerNode == http.BearerTokenNode ? "bearer_token" : "bearer_token_file",
                    $"authorization is not compatible with bearer_token & bearer_token_file in {where}");
            if (http.Credentials.Length > 0 && http.CredentialsFile.Length > 0)
                throw reader.Fail(http.CredentialsFileNode!, "credentials_file", $"at most one of authorization credentials & credentials_file must be configured in {where}");
            var type = http.Type.Trim();
            if (type.Length == 0) type = "Bearer";
            if (type.Equals("basic", StringComparison.OrdinalIgnoreCase))
                throw reader.Fail(http.TypeNode ?? authNode, "type", $"authorization type cannot be set to \"basic\", use \"basic_auth\" instead in {where}");
            if (type.Any(c => c is ' ' or '\t' or '\r' or '\n'))
                throw reader.Fail(http.TypeNode ?? authNode, "type", $"invalid authorization type \"{type}\" in {where}: must be a single word");
            if (http.BasicAuthNode is not null)
                throw reader.Fail(authNode, "authorization", $"at most one of basic_auth, oauth2 & authorization must be configured in {where}");
            return new ScrapeAuthorization
            {
                Type = type,
                Secret = http.Credentials,
                SecretFile = SecretFile(reader, http.CredentialsFile, http.CredentialsFileNode, "credentials_file", where),
            };
        }
        if (http.BasicAuthNode is not null)
        {
            return new ScrapeAuthorization
            {
                Type = "Basic",
                IsBasic = true,
                Username = http.Username,
                Secret = http.Password,
                SecretFile = SecretFile(reader, http.PasswordFile, http.PasswordFileNode, "password_file", where),
            };
        }
        if (bearer)
        {
            return new ScrapeAuthorization
            {
                Type = "Bearer",
                Secret = http.BearerToken,
                SecretFile = SecretFile(reader, http.BearerTokenFile, http.BearerTokenFileNode, "bearer_token_file", where),
            };
        }
        return null;
    }

    // Relative paths are relative to the configuration file's folder, as in Prometheus (SetDirectory).
    private static string? SecretFile(YamlConfigReader reader, string path, YamlNode? node, string key, string where)
    {
        if (path.Length == 0) return null;
        var full = Path.GetFullPath(path, reader.BaseDirectory);
        if (!File.Exists(full))
            throw reader.Fail(node!, key, $"{key} \"{path}\" in {where} does not exist");
        return full;
    }

    private static bool TryParseLimitKey(YamlConfigReader reader, string key, YamlNode value, string where, ref JobLimits limits)
    {
        switch (key)
        {
            case "sample_limit": limits.Sample = reader.Int(value, key, where); return true;
            case "label_limit": limits.Labels = reader.Int(value, key, where); return true;
            case "label_name_length_limit": limits.NameLength = reader.Int(value, key, where); return true;
            case "label_value_length_limit": limits.ValueLength = reader.Int(value, key, where); return true;
            case "target_limit": limits.Targets = reader.Int(value, key, where); return true;
            case "keep_dropped_targets": limits.KeepDropped = reader.Int(value, key, where); return true;
            case "body_size_limit":
                var text = reader.String(value, key, where);
                if (!PrometheusBytes.TryParse(text, out var bytes))
                    throw reader.Fail(value, key, $"invalid size \"{text}\" for \"body_size_limit\" in {where} (use e.g. 0, 512KB, 10MB, 1GiB)");
                limits.BodyBytes = bytes;
                return true;
            default:
                return false;
        }
    }

    private struct JobLimits
    {
        public long Sample, Labels, NameLength, ValueLength, BodyBytes, Targets, KeepDropped;
    }
}
