namespace FedFunctions.Core.Storage;

/// <summary>SnapshotVersion is what <see cref="SnapshotStore.ListVersionsAsync"/> returns: the key and version of a stored snapshot, without its payload.</summary>
/// <param name="Key">The target.</param>
/// <param name="ScrapeTimestampMs">When the stored snapshot was scraped, in ms since the epoch.</param>
/// <param name="ETag">The entity's ETag (changes on every write).</param>
/// <param name="Blob">The blob holding the payload when it spilled out of the entity, or null.</param>
public sealed record SnapshotVersion(TargetKey Key, long ScrapeTimestampMs, string ETag, string? Blob = null);
