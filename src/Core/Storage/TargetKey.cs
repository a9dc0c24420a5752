namespace FedFunctions.Core.Storage;

/// <summary>
/// TargetKey identifies one stored target: its job and a stable id of its label set
/// (see <see cref="SnapshotStore.KeyFor"/>).
/// </summary>
/// <param name="Job">The job name; becomes the (escaped) PartitionKey.</param>
/// <param name="TargetId">The target's id within the job; becomes the (escaped) RowKey.</param>
public sealed record TargetKey(string Job, string TargetId);
