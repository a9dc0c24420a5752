using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace FedFunctions.Core.Configuration;

// file_sd_configs and http_sd_configs, validated at load as Prometheus does (discovery/file, discovery/http):
// a bad pattern or URL is refused with the key and line, never found later at a scrape run.
internal static partial class FederationConfigParser
{
    // Prometheus' patFileSDName: at most one '*', in the last path element, and a JSON or YAML extension.
    [GeneratedRegex(@"^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$")]
    private static partial Regex FileSdName();

    private static FileSdConfig ParseFileSd(YamlConfigReader reader, YamlNode node, string where)
    {
        if (node is not YamlMappingNode) throw reader.Fail(node, "file_sd_configs", $"{where} must be a mapping");
        var files = new List<string>();
        var interval = FileSdConfig.DefaultRefreshInterval;
        foreach (var (key, keyNode, value) in reader.Mapping(node, where, "file_sd_configs"))
        {
            switch (key)
            {
                case "files":
                    foreach (var item in reader.Sequence(value, key, where))
                    {
                        var pattern = reader.String(item, key, where);
                        if (!FileSdName().IsMatch(pattern))
                            throw reader.Fail(item, key, $"path name \"{pattern}\" is not valid for file discovery in {where}");
                        // Relative patterns are relative to the configuration file's folder (Prometheus' SetDirectory).
                        var full = Path.GetFullPath(pattern, reader.BaseDirectory);
                        if (!FileGlob.IsValid(full, out var reason))
                            throw reader.Fail(item, key, $"invalid pattern \"{pattern}\" in {where}: {reason}");
                        files.Add(full);
                    }
                    break;
                case "refresh_interval": interval = reader.Duration(value, key, where); break;
                default: throw reader.Fail(keyNode, key, $"unknown key \"{key}\" in {where}");
            }
        }
        if (files.Count == 0) throw reader.Fail(node, "files", $"file service discovery config must contain at least one path name in {where}");
        return new FileSdConfig { Files = files, RefreshInterval = interval };
    }

    private static HttpSdConfig ParseHttpSd(YamlConfigReader reader, YamlNode node, string where)
    {
        if (node is not YamlMappingNode) throw reader.Fail(node, "http_sd_configs", $"{where} must be a mapping");
        string? url = null;
        YamlNode? urlNode = null;
        var interval = HttpSdConfig.DefaultRefreshInterval;
        var http = new HttpSettings();
        var followRedirects = true;
        foreach (var (key, keyNode, value) in reader.Mapping(node, where, "http_sd_configs"))
        {
            switch (key)
            {
                case "url": url = reader.String(value, key, where); urlNode = value; break;
                case "refresh_interval": interval = reader.Duration(value, key, where); break;
                case "follow_redirects": followRedirects = reader.Bool(value, key, where); break;
                default:
                    if (TryParseHttpKey(reader, key, value, where, http)) break;
                    throw reader.Fail(keyNode, key, $"unknown key \"{key}\" in {where}");
            }
        }
        // Prometheus' SDConfig.UnmarshalYAML messages, in its order; the URL is not quoted back (it may hold a password).
        if (string.IsNullOrEmpty(url)) throw reader.Fail(urlNode ?? node, "url", $"URL is missing in {where}");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
            throw reader.Fail(urlNode!, "url", $"URL scheme must be 'http' or 'https' in {where}");
        if (parsed.Host.Length == 0) throw reader.Fail(urlNode!, "url", $"host is missing in URL in {where}");
        return new HttpSdConfig
        {
            Url = parsed,
            OriginalUrl = url,
            RefreshInterval = interval,
            Authorization = BuildAuthorization(reader, http, where),
            Http = BuildClientSettings(reader, http, followRedirects, where),
        };
    }
}
