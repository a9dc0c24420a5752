namespace FedFunctions.Core.Tests.Scraping;

/// <summary>A clock pinned at one instant for timestamps; timers and elapsed time stay real.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
