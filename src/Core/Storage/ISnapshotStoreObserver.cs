namespace FedFunctions.Core.Storage;

/// <summary>
/// ISnapshotStoreObserver hears what a <see cref="SnapshotStore"/> repaired or skipped on its own, so the app
/// can count and log it. Passed once, to the store's constructor. Methods may be called concurrently from
/// parallel reads and writes and should not throw.
/// </summary>
public interface ISnapshotStoreObserver
{
    /// <summary>
    /// StorageRecreated is called when a write found the table or the blob container missing (account
    /// recreated, emulator restarted empty, table deleted) and the store created it again before retrying the
    /// write once. <paramref name="reason"/> names what was missing.
    /// </summary>
    void StorageRecreated(string reason);

    /// <summary>
    /// CorruptEntity is called when a read skips a stored entity that is not a well-formed snapshot (another
    /// schema, no timestamp, a missing payload chunk or blob); <paramref name="reason"/> says what is wrong with it.
    /// The entity affects only its own target and is replaced by that target's next write.
    /// </summary>
    void CorruptEntity(TargetKey key, string reason);
}
