using System.Text;
using FedFunctions.Core.Configuration;

namespace FedFunctions.Core.Tests.Configuration;

public sealed class ScrapeAuthorizationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fedfn-auth-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ScrapeAuthorization Parse(string yaml)
    {
        File.WriteAllText(Path.Combine(_dir, "prometheus.yml"), "scrape_configs:\n  - job_name: j\n" + yaml);
        return FederationConfig.Load(Path.Combine(_dir, "prometheus.yml")).ScrapeConfigs[0].Authorization!;
    }

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    public static TheoryData<string, string> Headers => new()
    {
        { "    basic_auth:\n      username: prom\n      password: pw\n", Basic("prom", "pw") },
        { "    basic_auth:\n      username: prom\n", Basic("prom", "") },
        { "    basic_auth:\n      username: prom\n      password_file: secret\n", Basic("prom", "from-file") },
        { "    authorization:\n      credentials: tok\n", "Bearer tok" },
        { "    authorization:\n      type: ' Token '\n      credentials: tok\n", "Token tok" },
        { "    authorization:\n      credentials_file: secret\n", "Bearer from-file" },
        { "    bearer_token: tok\n", "Bearer tok" },
        { "    bearer_token_file: secret\n", "Bearer from-file" },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public void BuildsHeaderValueAndTrimsFiles(string yaml, string expected)
    {
        File.WriteAllText(Path.Combine(_dir, "secret"), "  from-file\n");
        var auth = Parse(yaml);
        Assert.True(auth.TryCreateHeaderValue(out var value, out var error));
        Assert.Null(error);
        Assert.Equal(expected, value);
    }

    [Fact]
    public void AuthorizationWithoutCredentialsSendsNoHeader()
    {
        var auth = Parse("    authorization:\n      type: Bearer\n");
        Assert.True(auth.TryCreateHeaderValue(out var value, out _));
        Assert.Null(value);
    }

    [Fact]
    public void FileIsReadEachTimeAndAReadFailureNamesTheFileOnly()
    {
        var secret = Path.Combine(_dir, "secret");
        File.WriteAllText(secret, "first");
        var auth = Parse("    bearer_token_file: secret\n");
        Assert.True(auth.TryCreateHeaderValue(out var first, out _));
        File.WriteAllText(secret, "second");
        Assert.True(auth.TryCreateHeaderValue(out var second, out _));
        File.Delete(secret);
        Assert.False(auth.TryCreateHeaderValue(out var none, out var error));

        Assert.Equal(("Bearer first", "Bearer second", null), (first, second, none));
        Assert.StartsWith($"unable to read authorization credentials file {secret}: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("second", error!.Replace(secret, "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void BasicPasswordFileFailureSaysSo()
    {
        var secret = Path.Combine(_dir, "pw");
        File.WriteAllText(secret, "x");
        var auth = Parse("    basic_auth:\n      username: u\n      password_file: pw\n");
        File.Delete(secret);
        Assert.False(auth.TryCreateHeaderValue(out _, out var error));
        Assert.StartsWith($"unable to read basic auth password file {secret}", error, StringComparison.Ordinal);
    }
}
