namespace FedFunctions.Core.Snapshots;

/// <summary>SnapshotFormatException reports stored snapshot bytes that cannot be decoded: bad magic, unsupported version, truncation or corruption.</summary>
public sealed class SnapshotFormatException : FormatException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public SnapshotFormatException() : base("invalid snapshot") { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public SnapshotFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the error that caused it.</summary>
    public SnapshotFormatException(string message, Exception innerException) : base(message, innerException) { }
}
