namespace FedFunctions.Core.Storage;

/// <summary>
/// SnapshotStoreException reports that storage was unreachable or failed unexpectedly; the message says why.
/// Callers map it to 503 (federation) or a failed invocation (scrape).
/// </summary>
public sealed class SnapshotStoreException : Exception
{
    /// <summary>SnapshotStoreException creates an exception without a message.</summary>
    public SnapshotStoreException() { }

    /// <summary>SnapshotStoreException creates an exception with <paramref name="message"/>.</summary>
    public SnapshotStoreException(string message) : base(message) { }

    /// <summary>SnapshotStoreException creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public SnapshotStoreException(string message, Exception? innerException) : base(message, innerException) { }
}
