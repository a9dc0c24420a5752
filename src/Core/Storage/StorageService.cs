namespace FedFunctions.Core.Storage;

/// <summary>StorageService is the storage service a request went to; each is billed at its own rates.</summary>
public enum StorageService
{
    /// <summary>Azure Table storage (snapshot entities).</summary>
    Table,

    /// <summary>Azure Blob storage (spilled payloads, the target list, a configuration blob).</summary>
    Blob,

    /// <summary>Azure Queue storage (shard messages of a fanned-out run).</summary>
    Queue,
}
