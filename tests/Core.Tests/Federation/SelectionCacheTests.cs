using FedFunctions.Core.Federation;
using FedFunctions.Core.Model;
using FedFunctions.Core.Selectors;

namespace FedFunctions.Core.Tests.Federation;

public sealed class SelectionCacheTests
{
    private const long Now = 1_700_000_000_000;

    private static IndexedSnapshot Snapshot(params Sample[] samples) => new(new TargetSnapshot
    {
        TargetLabels = Labels.Of("job", "j", "instance", "i"),
        ScrapeTimestampMs = Now - 1000,
        Up = true,
        Samples = samples,
    });

    private static MetricFamily Family(int samples) =>
        new("m", MetricType.Gauge, "", "", [.. Enumerable.Range(0, samples).Select(i => new Sample(Labels.Of("__name__", "m", "i", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), i, Now))]);

    [Fact]
    public void ASelectionSaysUntilWhenItHolds()
    {
        var lookback = TimeSpan.FromMinutes(5);
        var snapshot = Snapshot(
            new Sample(Labels.Of("__name__", "m", "x", "old"), 1, Now - 10_000),
            new Sample(Labels.Of("__name__", "m", "x", "new"), 2, Now - 5_000),
            new Sample(Labels.Of("__name__", "m", "x", "future"), 3, Now + 60_000),
            new Sample(Labels.Of("__name__", "other"), 4, Now + 1_000));      // in the future but not selected
        var families = FederationQuery.Select([snapshot], SelectorParser.ParseMany(["m"]), Now, lookback, out var until);
        Assert.Equal(2, families.Single().Samples.Count);
        Assert.Equal(Now + 59_999, until);            // m{x="future"} enters the window before m{x="old"} leaves it

        FederationQuery.Select([snapshot], SelectorParser.ParseMany(["m{x!=\"future\"}"]), Now, lookback, out until);
        Assert.Equal(Now - 10_000 + 300_000, until);  // the oldest selected sample leaves the window first

        FederationQuery.Select([snapshot], SelectorParser.ParseMany(["m", "other"]), Now, lookback, out until);
        Assert.Equal(Now + 999, until);               // a selected name stamped 1 s ahead enters the window then
    }

    [Fact]
    public void AKeptSelectionIsReturnedOnlyForTheSameSnapshotListAndInTime()
    {
        var cache = new SelectionCache();
        IReadOnlyList<IndexedSnapshot> snapshots = [Snapshot()];
        IReadOnlyList<MetricFamily> families = [Family(3)];
        cache.Put("m", snapshots, Now + 10, families);

        Assert.Same(families, cache.Get("m", snapshots, Now + 10));
        Assert.Null(cache.Get("other", snapshots, Now));
        Assert.Null(cache.Get("m", [.. snapshots], Now));     // an equal list, but not the same one: snapshots may have changed
        Assert.Null(cache.Get("m", snapshots, Now));          // and the stale entry was dropped
        cache.Put("m", snapshots, Now + 10, families);
        Assert.Null(cache.Get("m", snapshots, Now + 11));     // past its time
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void TheLeastRecentlyUsedSelectionsGoFirstPastTheCapacityOrTheSampleBudget()
    {
        var cache = new SelectionCache(capacity: 2, maxSamples: 10);
        IReadOnlyList<IndexedSnapshot> snapshots = [Snapshot()];
        cache.Put("a", snapshots, long.MaxValue, [Family(3)]);
        cache.Put("b", snapshots, long.MaxValue, [Family(3)]);
        Assert.NotNull(cache.Get("a", snapshots, Now));        // a is now the more recently used
        cache.Put("c", snapshots, long.MaxValue, [Family(3)]);  // over the capacity: b goes
        Assert.Null(cache.Get("b", snapshots, Now));
        Assert.NotNull(cache.Get("a", snapshots, Now));
        Assert.NotNull(cache.Get("c", snapshots, Now));

        cache.Put("d", snapshots, long.MaxValue, [Family(6)]);  // 3 + 3 + 6 > 10 samples: the least recently used (a) goes
        Assert.Null(cache.Get("a", snapshots, Now));
        Assert.NotNull(cache.Get("d", snapshots, Now));

        cache.Put("huge", snapshots, long.MaxValue, [Family(11)]); // larger than the whole budget: never kept
        Assert.Null(cache.Get("huge", snapshots, Now));
        Assert.NotNull(cache.Get("d", snapshots, Now));
    }

    [Fact]
    public void ASelectionLargerThanTheBudgetIsKeptWhenItsSnapshotsHoldMoreSamples()
    {
        var cache = new SelectionCache(capacity: 4, maxSamples: 10);
        var many = new Sample[12];
        for (var i = 0; i < many.Length; i++) many[i] = new Sample(Labels.Of("__name__", "m", "i", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), i, Now);
        IReadOnlyList<IndexedSnapshot> large = new SnapshotSet([Snapshot(many)]);
        IReadOnlyList<IndexedSnapshot> small = [Snapshot()];

        cache.Put("everything", large, long.MaxValue, [Family(12)]);  // 12 > 10, but the snapshots hold 12
        Assert.NotNull(cache.Get("everything", large, Now));
        cache.Put("more", large, long.MaxValue, [Family(13)]);        // more than the snapshots hold: never kept
        Assert.Null(cache.Get("more", large, Now));
        Assert.NotNull(cache.Get("everything", large, Now));

        cache.Put("s", small, long.MaxValue, [Family(3)]);           // from small snapshots the budget is 10: 12 + 3 > 10
        Assert.NotNull(cache.Get("s", small, Now));
        Assert.Null(cache.Get("everything", large, Now));
    }
}
