namespace FedFunctions.Core.Configuration;

/// <summary>
/// ConfigException reports a scrape configuration that cannot be used. The message names the source, the
/// line and the offending key, e.g. <c>config:12: unknown key "scrape_intervall" in scrape_configs[0]</c>.
/// </summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates an exception with a complete message and no position.</summary>
    public ConfigException(string message) : base(message) { }

    /// <summary>Creates an exception with a complete message wrapping <paramref name="inner"/>.</summary>
    public ConfigException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates an exception for a position in a configuration source.</summary>
    /// <param name="message">The complete message (already prefixed with source and line).</param>
    /// <param name="line">The 1-based line, when known.</param>
    /// <param name="key">The YAML key at fault, when there is one.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public ConfigException(string message, int? line, string? key, Exception? inner = null) : base(message, inner)
    {
        Line = line;
        Key = key;
    }

    /// <summary>Line is the 1-based line of the offending node, or null when the error has no position.</summary>
    public int? Line { get; }

    /// <summary>Key is the YAML key at fault (e.g. <c>scrape_timeout</c>), or null.</summary>
    public string? Key { get; }
}
