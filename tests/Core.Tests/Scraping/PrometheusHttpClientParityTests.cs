using System.Text.Json;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Scraping;
using FedFunctions.TestSupport;

namespace FedFunctions.Core.Tests.Scraping;

// The real Prometheus 2.42 and fed-functions run the same scrape config (mTLS with a test CA, a wrong CA,
// OAuth2) against the same loopback servers: both must see the same up and the same scraped values.
public sealed class PrometheusHttpClientParityTests : IAsyncLifetime
{
    private readonly TestPki _pki = new();
    private LoopbackKestrel _mtls = null!;
    private OAuth2TestServer _oauth = null!;

    public async Task InitializeAsync()
    {
        _mtls = await LoopbackKestrel.StartAsync(_pki.Server, requireClientCa: _pki.Ca);
        _mtls.ServeText("/metrics", "mtls_metric 7\n");
        _oauth = await OAuth2TestServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _mtls.DisposeAsync();
        await _oauth.DisposeAsync();
        _pki.Dispose();
    }

    [Fact]
    public async Task PrometheusAndFedFunctionsAgree()
    {
        var yaml = $"""
            global:
              scrape_interval: 3s
              scrape_timeout: 3s
            scrape_configs:
              - job_name: mtls
                scheme: https
                tls_config:
                  ca_file: '{_pki.CaFile}'
                  cert_file: '{_pki.ClientCertFile}'
                  key_file: '{_pki.ClientKeyFile}'
                static_configs:
                  - targets: ['{_mtls.HostPort}']
              - job_name: wrong-ca
                scheme: https
                tls_config:
                  ca_file: '{_pki.OtherCaFile}'
                  cert_file: '{_pki.ClientCertFile}'
                  key_file: '{_pki.ClientKeyFile}'
                static_configs:
                  - targets: ['{_mtls.HostPort}']
              - job_name: oauth
                oauth2:
                  client_id: parity
                  client_secret: s3cr3t
                  token_url: '{_oauth.TokenUrl}'
                  scopes: [metrics]
                static_configs:
                  - targets: ['{_oauth.HostPort}']
            """;
        var ours = await new Scraper(Scraper.CreateHttpClient()).ScrapeAllAsync(FederationConfig.Parse(yaml).Targets());

        await using var prometheus = await PrometheusServer.StartAsync(yaml);
        await prometheus.WaitForTargetsAsync(3, TimeSpan.FromSeconds(60));

        foreach (var snapshot in ours)
        {
            var job = snapshot.TargetLabels.Get("job");
            var up = await prometheus.QueryAsync($"up{{job=\"{job}\"}}");
            Assert.True((snapshot.Up ? "1" : "0") == Value(up), $"job {job}: ours up={snapshot.Up} ({snapshot.Error}), prometheus up={Value(up)}");
        }
        Assert.Equal([true, false, true], ours.Select(s => s.Up));
        Assert.Contains("SSL connection could not be established", ours[1].Error, StringComparison.Ordinal);
        Assert.Equal("7", Value(await prometheus.QueryAsync("mtls_metric{job=\"mtls\"}")));
        Assert.Equal(7, ours[0].Samples.Single(s => s.Labels.MetricName == "mtls_metric").Value);
        Assert.Equal("3", Value(await prometheus.QueryAsync("protected_metric{job=\"oauth\"}")));
        Assert.Equal(3, ours[2].Samples.Single(s => s.Labels.MetricName == "protected_metric").Value);
    }

    private static string Value(JsonElement result) =>
        Assert.Single(result.EnumerateArray()).GetProperty("value")[1].GetString()!;
}
