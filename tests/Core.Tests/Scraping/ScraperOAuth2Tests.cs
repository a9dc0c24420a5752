using System.Text;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Scraping;

namespace FedFunctions.Core.Tests.Scraping;

// oauth2 (client credentials) against a real token endpoint and a target that demands its token.
public sealed class ScraperOAuth2Tests : IAsyncLifetime
{
    private const string Secret = "s3cr3t-Client-Pass";
    private static readonly HttpClient SharedClient = Scraper.CreateHttpClient();
    private OAuth2TestServer _server = null!;

    public async Task InitializeAsync() => _server = await OAuth2TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ScrapeTarget Target(string extra = "") =>
        FederationConfig.Parse(
            $"scrape_configs:\n  - job_name: oauth\n    oauth2:\n      client_id: 'fed fn'\n      client_secret: '{Secret}'\n      token_url: '{_server.TokenUrl}'\n" +
            $"      scopes: [read, metrics]\n      endpoint_params:\n        audience: prometheus\n{extra}    static_configs:\n      - targets: ['{_server.HostPort}']\n")
            .Targets().Single();

    [Fact]
    public async Task TokenIsFetchedWithClientCredentialsAndCached()
    {
        var scraper = new Scraper(SharedClient);
        var target = Target();

        var first = await scraper.ScrapeAsync(target);
        var second = await scraper.ScrapeAsync(target);

        Assert.True(first.Up, first.Error);
        Assert.True(second.Up, second.Error);
        var (form, authorization) = Assert.Single(_server.TokenRequests);
        Assert.Equal("grant_type=client_credentials&scope=read+metrics&audience=prometheus", form);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"fed%20fn:{Secret}")), authorization);
        Assert.Equal(0, _server.Unauthorized);
    }

    [Fact]
    public async Task TokenIsFetchedAgainAfterA401()
    {
        var scraper = new Scraper(SharedClient);
        var target = Target();
        Assert.True((await scraper.ScrapeAsync(target)).Up);

        _server.Revoke();
        var after = await scraper.ScrapeAsync(target);

        Assert.True(after.Up, after.Error);
        Assert.Equal(1, _server.Unauthorized);
        Assert.Equal(2, _server.TokenRequests.Count);
    }

    [Fact]
    public async Task TokenCloseToExpiryIsNotReused()
    {
        _server.ExpiresIn = 5; // under the 10 s margin: stale as soon as it arrives
        var scraper = new Scraper(SharedClient);
        var target = Target();

        Assert.True((await scraper.ScrapeAsync(target)).Up);
        Assert.True((await scraper.ScrapeAsync(target)).Up);

        Assert.Equal(2, _server.TokenRequests.Count);
        Assert.Equal(0, _server.Unauthorized);
    }

    [Fact]
    public async Task ClientSecretFileIsRead()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "from-file\n");
            var target = FederationConfig.Parse(
                    $"scrape_configs:\n  - job_name: oauth\n    oauth2:\n      client_id: id\n      client_secret_file: '{file}'\n      token_url: '{_server.TokenUrl}'\n    static_configs:\n      - targets: ['{_server.HostPort}']\n")
                .Targets().Single();

            Assert.True((await new Scraper(SharedClient).ScrapeAsync(target)).Up);
            Assert.Equal("Basic " + Convert.ToBase64String("id:from-file"u8.ToArray()), Assert.Single(_server.TokenRequests).Authorization);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(500)]
    [InlineData(401)]
    public async Task FailingTokenEndpointIsDownWithoutTheSecret(int status)
    {
        _server.TokenStatus = status;
        var target = Target();

        var snapshot = await new Scraper(SharedClient).ScrapeAsync(target);

        Assert.False(snapshot.Up);
        Assert.StartsWith($"oauth2: cannot fetch token from {_server.TokenUrl}: {status}", snapshot.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, snapshot.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, target.Job.Http.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, target.Job.Http.CacheKey, StringComparison.Ordinal);
        Assert.Equal(0, _server.Unauthorized);
    }

    [Fact]
    public async Task UnreachableTokenEndpointIsDownWithoutTheSecret()
    {
        var port = FedFunctions.TestSupport.FreePort.Next();
        var target = FederationConfig.Parse(
                $"scrape_configs:\n  - job_name: oauth\n    oauth2:\n      client_id: id\n      client_secret: '{Secret}'\n      token_url: 'http://127.0.0.1:{port}/token'\n    static_configs:\n      - targets: ['{_server.HostPort}']\n")
            .Targets().Single();

        var snapshot = await new Scraper(SharedClient).ScrapeAsync(target);

        Assert.False(snapshot.Up);
        Assert.Contains("oauth2: cannot fetch token", snapshot.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, snapshot.Error, StringComparison.Ordinal);
    }
}
