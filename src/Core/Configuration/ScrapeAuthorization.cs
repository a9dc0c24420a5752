using System.Text;

namespace FedFunctions.Core.Configuration;

/// <summary>
/// ScrapeAuthorization is the <c>Authorization</c> header a job sends with every scrape, from
/// <c>basic_auth</c>, <c>authorization</c> or the legacy <c>bearer_token</c>/<c>bearer_token_file</c>.
/// Secrets stay internal and are never part of <see cref="ToString"/> or any message; secret files are
/// read at each scrape (as Prometheus does), so rotated secrets are picked up without a reload.
/// </summary>
public sealed class ScrapeAuthorization
{
    /// <summary>Type is the header's scheme: <c>Basic</c> for <c>basic_auth</c>, otherwise the authorization type (default <c>Bearer</c>).</summary>
    public string Type { get; internal init; } = "Bearer";

    /// <summary>IsBasic is true for <c>basic_auth</c>.</summary>
    public bool IsBasic { get; internal init; }

    /// <summary>SecretFile is the absolute path of the password or credentials file, or null when the secret is inline.</summary>
    public string? SecretFile { get; internal init; }

    /// <summary>The basic_auth username (not a secret in Prometheus, but kept internal with the rest).</summary>
    internal string Username { get; init; } = "";

    /// <summary>The inline password or credentials.</summary>
    internal string Secret { get; init; } = "";

    /// <summary>CacheKey identifies equal settings; the secret enters it only as a SHA-256 hash.</summary>
    internal string CacheKey => $"{Type}|{IsBasic}|{Username}|{HttpClientSettings.Hash(Secret)}|{SecretFile}";

    /// <inheritdoc />
    public override string ToString() => IsBasic ? "Basic <secret>" : $"{Type} <secret>";

    /// <summary>
    /// TryCreateHeaderValue builds the header value, reading <see cref="SecretFile"/> now. False with an
    /// error naming the file (never the secret) when it cannot be read; a null value means "send no header"
    /// (an <c>authorization</c> block without credentials, as in Prometheus).
    /// </summary>
    internal bool TryCreateHeaderValue(out string? value, out string? error)
    {
        value = null;
        error = null;
        var secret = Secret;
        if (SecretFile is not null)
        {
            try
            {
                // Prometheus trims the file's content (a trailing newline is common).
                secret = File.ReadAllText(SecretFile).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                error = IsBasic
                    ? $"unable to read basic auth password file {SecretFile}: {ex.Message}"
                    : $"unable to read authorization credentials file {SecretFile}: {ex.Message}";
                return false;
            }
        }
        if (IsBasic)
        {
            value = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Username + ":" + secret));
        }
        else if (secret.Length > 0 || SecretFile is not null)
        {
            value = Type + " " + secret;
        }
        return true;
    }
}
