using System.Text.Json;
using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests;

/// <summary>The files the Functions host reads sit beside the handler and say what the host needs.</summary>
public sealed class PublishLayoutTests
{
    private static string Output => Path.GetDirectoryName(typeof(Hosting.FederationApp).Assembly.Location)!;

    [Fact]
    public void HostJsonConfiguresAProxyingCustomHandlerWithoutRoutePrefix()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Output, "host.json")));
        var root = json.RootElement;
        Assert.Equal("2.0", root.GetProperty("version").GetString());
        Assert.Equal("", root.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        var handler = root.GetProperty("customHandler");
        Assert.True(handler.GetProperty("enableProxyingHttpRequest").GetBoolean());
        Assert.False(handler.TryGetProperty("enableForwardingHttpRequest", out _));
        Assert.Equal("handler", handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.True(File.Exists(Path.Combine(Output, "handler")), "the handler executable is next to host.json");
    }

    [Fact]
    public void ScrapeTimerIsATimerOnTheScrapeScheduleSetting()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Output, "ScrapeTimer", "function.json")));
        var binding = json.RootElement.GetProperty("bindings").EnumerateArray().Single();
        Assert.Equal("timerTrigger", binding.GetProperty("type").GetString());
        Assert.Equal("%ScrapeSchedule%", binding.GetProperty("schedule").GetString());
        Assert.False(binding.GetProperty("runOnStartup").GetBoolean());
    }

    [Fact]
    public void FederateIsAnHttpInAndOutFunctionWithFunctionKeys()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Output, "Federate", "function.json")));
        var bindings = json.RootElement.GetProperty("bindings").EnumerateArray().ToList();
        Assert.Equal(2, bindings.Count); // exactly one http in and one http out, or the host will not proxy
        var trigger = bindings.Single(b => b.GetProperty("type").GetString() == "httpTrigger");
        Assert.Equal("function", trigger.GetProperty("authLevel").GetString());
        Assert.Equal("federate", trigger.GetProperty("route").GetString());
        Assert.Equal(["get", "post"], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Single(bindings, b => b.GetProperty("type").GetString() == "http" && b.GetProperty("direction").GetString() == "out");
    }

    [Fact]
    public void LocalSettingsSampleListsEverySetting()
    {
        var sample = File.ReadAllText(Path.Combine(RepoPaths.RepoRoot, "local.settings.sample.json"));
        foreach (var name in new[] { "FederationStorage", "Federation__ConfigPath", "ScrapeSchedule", "FederationStorage__tableServiceUri", "FederationStorage__blobServiceUri", "Federation__LookbackDelta", "Federation__MaxConcurrency", "Federation__SnapshotTable", "Federation__SnapshotContainer", "Federation__CacheRefresh" })
            Assert.Contains($"\"{name}\"", sample);
    }
}
