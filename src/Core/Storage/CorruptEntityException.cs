namespace FedFunctions.Core.Storage;

/// <summary>
/// CorruptEntityException reports a stored entity that is not a well-formed snapshot of this schema. It never
/// leaves the store: the store skips such an entity and reports it through <see cref="ISnapshotStoreObserver.CorruptEntity"/>,
/// so one bad entity affects only its own target.
/// </summary>
internal sealed class CorruptEntityException : Exception
{
    /// <summary>CorruptEntityException creates an exception without a message.</summary>
    public CorruptEntityException() { }

    /// <summary>CorruptEntityException creates an exception with <paramref name="message"/>.</summary>
    public CorruptEntityException(string message) : base(message) { }

    /// <summary>CorruptEntityException creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public CorruptEntityException(string message, Exception? innerException) : base(message, innerException) { }
}
