using Azure.Data.Tables;
using Azure.Storage.Blobs;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Ingestion;
using FedFunctions.Core.Scraping;
using FedFunctions.Core.Storage;
using FedFunctions.Core.Tests.Storage;
using FedFunctions.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FedFunctions.Core.Tests.Ingestion;

/// <summary>
/// The one concurrency knob, <see cref="ScraperOptions.MaxConcurrency"/>, bounds a scrape cycle: a loopback
/// target counts the scrapes in flight, holding each a while and until the bound is reached (or every scrape has
/// arrived), so a cycle that went over the bound, or stayed under it, shows as a different maximum.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ScrapeCycleConcurrencyTests(AzuriteServer azurite) : IAsyncLifetime
{
    private const int Targets = 12;
    private readonly SnapshotStoreOptions _options = new() { TableName = "conc" + Guid.NewGuid().ToString("N"), ContainerName = "conc" + Guid.NewGuid().ToString("N") };
    private WebApplication _server = null!;
    private readonly object _gate = new();
    private int _inFlight, _arrived, _maxInFlight, _bound;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        _server.Run(HandleAsync);
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
        await new TableServiceClient(azurite.ConnectionString).DeleteTableAsync(_options.TableName);
        await new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_options.ContainerName).DeleteIfExistsAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        lock (_gate)
        {
            _inFlight++;
            _arrived++;
            _maxInFlight = Math.Max(_maxInFlight, _inFlight);
        }
        try
        {
            // Hold each scrape at least 300 ms, so scrapes over the bound would overlap it, and until `bound` are in
            // flight together (or all have arrived), so a cycle under the bound shows too; at most 5 s.
            await Task.Delay(300, context.RequestAborted);
            for (var i = 0; i < 470; i++)
            {
                lock (_gate)
                {
                    if (_inFlight >= _bound || _arrived >= Targets) break;
                }
                await Task.Delay(10, context.RequestAborted);
            }
            context.Response.ContentType = "text/plain; version=0.0.4";
            await context.Response.WriteAsync("up_requests 1\n", context.RequestAborted);
        }
        finally
        {
            lock (_gate) _inFlight--;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task AtMostMaxConcurrencyTargetsAreScrapedAtOnceAndAllAreScraped(int maxConcurrency)
    {
        _bound = maxConcurrency;
        var hostPort = new Uri(_server.Urls.First()).Authority;
        // One job per target, each with its own path, all on the one loopback server.
        var jobs = string.Concat(Enumerable.Range(0, Targets).Select(i =>
            $"  - job_name: j{i}\n    scrape_interval: 1m\n    scrape_timeout: 10s\n    metrics_path: /m{i}\n    static_configs:\n      - targets: ['{hostPort}']\n"));
        var config = FederationConfig.Parse("scrape_configs:\n" + jobs);
        var scraper = new Scraper(Scraper.CreateHttpClient(), new ScraperOptions { MaxConcurrency = maxConcurrency });
        var store = new SnapshotStore(new TableServiceClient(azurite.ConnectionString), new BlobServiceClient(azurite.ConnectionString), _options);

        var result = await new ScrapeCycle(config, scraper, store).RunAsync().WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(Targets, result.SnapshotsWritten);
        Assert.Equal(Targets, _arrived);
        Assert.Equal(maxConcurrency, _maxInFlight);
    }
}
