using FedFunctions.Core.Snapshots;
using FedFunctions.Core.Storage;
using FedFunctions.Functions.Hosting;
using FedFunctions.TestSupport;

namespace FedFunctions.Functions.Tests;

/// <summary>The built executable stopped with SIGTERM while its scheduler's scrape run waits for a slow target.</summary>
[Collection(GracefulStopCollection.Name)]
public sealed class GracefulStopTests
{
    private static string App => Path.Combine(Path.GetDirectoryName(typeof(StandaloneApp).Assembly.Location)!, "FedFunctions.Functions.dll");

    [Fact]
    public async Task SigtermDuringARunExitsCleanlyAndLeavesAWholeSnapshot()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        await using var target = await TargetServer.StartAsync();
        target.Serve("/metrics", TargetResponse.Text("# TYPE stop_value gauge\nstop_value 1\n"));
        var config = Path.GetTempFileName();
        await File.WriteAllTextAsync(config, $"scrape_configs:\n  - job_name: stop\n    scrape_interval: 10s\n    scrape_timeout: 10s\n    static_configs:\n      - targets: ['{target.HostPort}']\n");
        var store = SnapshotStore.Create(StorageConnection.FromConnectionString(azurite.ConnectionString));

        using var process = new ManagedProcess("dotnet", [App, "--urls", $"http://127.0.0.1:{FreePort.Next()}"], Path.GetDirectoryName(App), new Dictionary<string, string>
        {
            ["Federation__ConfigPath"] = config,
            ["FederationStorage"] = azurite.ConnectionString,
            ["ScrapeSchedule"] = "* * * * * *", // every second; the target is due once per 10 s slot
            ["Federation__ScrapeRunBudget"] = "60s",
        });

        // The first run stores a whole snapshot from the fast target.
        await Poll.UntilAsync<SnapshotRecord>(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException("app exited: " + process.Output);
            try { return (await store.ReadAsync("stop")).SingleOrDefault(); }
            catch (SnapshotStoreException) { return null; }
        }, TimeSpan.FromSeconds(60), "the first snapshot");

        // The next run (next 10 s slot) waits for a target that answers only after a minute.
        target.Serve("/metrics", TargetResponse.Text("# TYPE stop_value gauge\nstop_value 2\n") with { Delay = TimeSpan.FromSeconds(60) });
        var requestsBefore = target.Requests.Count;
        await Poll.UntilAsync(() => Task.FromResult(target.Requests.Count > requestsBefore ? "asked" : null), TimeSpan.FromSeconds(30), "the slow scrape to start");
        // What the slow run must leave as it is: read now, not with the first snapshot, because a first snapshot stored
        // just before a slot boundary is followed at once by another fast run's, before the target turns slow.
        var old = Assert.Single(await store.ReadAsync("stop"));

        AzuriteServer.Signal(process.Id, "-TERM");

        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the app should exit by itself: " + process.Output);
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("scrape run stopped", process.Output);
        var stored = Assert.Single(await store.ReadAsync("stop"));
        Assert.Equal(old.ScrapeTimestampMs, stored.ScrapeTimestampMs); // the stopped run wrote nothing
        Assert.Equal(old.Payload.ToArray(), stored.Payload.ToArray());
        Assert.Contains(SnapshotCodec.Decode(stored.Payload.Span).Samples, s => s.Labels.Get("__name__") == "stop_value" && s.Value == 1);
        File.Delete(config);
    }
}

/// <summary>The graceful-stop test runs apart from the other collections, in parallel with them.</summary>
[CollectionDefinition(Name)]
public sealed class GracefulStopCollection
{
    public const string Name = "GracefulStop";
}
