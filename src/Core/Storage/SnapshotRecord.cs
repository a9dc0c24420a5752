namespace FedFunctions.Core.Storage;

/// <summary>SnapshotRecord is one stored snapshot: the target, when it was scraped, its health and the encoded payload.</summary>
/// <param name="Key">Which target the snapshot belongs to.</param>
/// <param name="ScrapeTimestampMs">When the scrape started, in ms since the epoch; a newer one is never overwritten by an older one.</param>
/// <param name="Up">Whether the scrape succeeded.</param>
/// <param name="TargetLabels">The target's labels in canonical text form (informative, for operators and pruning).</param>
/// <param name="Payload">The already-encoded snapshot; the store treats it as opaque bytes.</param>
public sealed record SnapshotRecord(TargetKey Key, long ScrapeTimestampMs, bool Up, string TargetLabels, ReadOnlyMemory<byte> Payload);
