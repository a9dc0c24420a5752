using System.Net;
using System.Text.Json;

namespace FedFunctions.Functions.Tests;

/// <summary><c>/-/healthy</c> and <c>/-/ready</c> answer as the real Prometheus 2.42 does, and not ready while storage was never reached.</summary>
[Collection(TargetsCollection.Name)]
public sealed class HealthEndpointTests(TargetsFixture fixture)
{
    [Theory]
    [InlineData("/-/healthy")]
    [InlineData("/-/ready")]
    public async Task GetAndHeadAnswerLikePrometheus(string path)
    {
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            using var theirs = await fixture.Prometheus.Http.SendAsync(new HttpRequestMessage(method, path));
            using var ours = await fixture.App.Http.SendAsync(new HttpRequestMessage(method, path));
            Assert.Equal(HttpStatusCode.OK, ours.StatusCode);
            Assert.Equal(theirs.StatusCode, ours.StatusCode);
            Assert.Equal(await theirs.Content.ReadAsStringAsync(), await ours.Content.ReadAsStringAsync());
            Assert.Equal(theirs.Content.Headers.ContentType?.MediaType, ours.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task NotReadyUntilStorageWasReachedButHealthy()
    {
        var closed = TestSupport.FreePort.Next();
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={TestSupport.AzuriteServer.AccountKey};" +
                         $"BlobEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;";
        await using var app = await AppHost.StartAsync(TargetsFixture.Config(fixture.Targets.HostPort, fixture.RefusedPort), connection);

        using var ready = await app.Http.GetAsync("/-/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Service Unavailable", await ready.Content.ReadAsStringAsync());
        Assert.Equal("false", ready.Headers.GetValues("X-Prometheus-Stopping").Single());

        using var healthy = await app.Http.GetAsync("/-/healthy");
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);

        // The targets API says why in Prometheus' error envelope; the page says it too.
        using var api = await app.Http.GetAsync("/api/v1/targets");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
        using var error = JsonDocument.Parse(await api.Content.ReadAsStringAsync());
        Assert.Equal("error", error.RootElement.GetProperty("status").GetString());
        Assert.StartsWith("storage unreachable", error.RootElement.GetProperty("error").GetString());
        using var page = await app.Http.GetAsync("/targets");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Contains("storage unreachable", await page.Content.ReadAsStringAsync());
    }
}
