using System.Diagnostics;

namespace FedFunctions.Functions.Cost;

/// <summary>
/// SimulatedClock is real time shifted forward: the cost simulation moves it to each tick's and each
/// <c>/federate</c> read's time (<see cref="AdvanceTo"/>), and in between it runs at the real pace, so durations,
/// timeouts and timers are real while the schedule, due targets and cache ages follow the simulated calendar.
/// It never goes back: a step to a time already passed (a run longer than the tick spacing) is a no-op.
/// </summary>
internal sealed class SimulatedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow.AddTicks(Interlocked.Read(ref _offsetTicks));

    public override long GetTimestamp() =>
        Stopwatch.GetTimestamp() + (long)(Interlocked.Read(ref _offsetTicks) * (Stopwatch.Frequency / (double)TimeSpan.TicksPerSecond));

    /// <summary>AdvanceTo makes the clock read <paramref name="time"/> now, unless it reads later already.</summary>
    public void AdvanceTo(DateTimeOffset time)
    {
        var shift = (time - DateTimeOffset.UtcNow).Ticks;
        if (shift > Interlocked.Read(ref _offsetTicks)) Interlocked.Exchange(ref _offsetTicks, shift);
    }
}
