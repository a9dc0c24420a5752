namespace FedFunctions.Core.Snapshots;

/// <summary>SnapshotCompression is the compression kind byte of the snapshot header.</summary>
internal enum SnapshotCompression : byte
{
    /// <summary>The body is stored as it is.</summary>
    None = 0,

    /// <summary>The body is Brotli compressed.</summary>
    Brotli = 1,

    /// <summary>The body is zlib (RFC 1950) compressed.</summary>
    ZLib = 2,
}
