namespace FedFunctions.Core.Storage;

/// <summary>StorageService is the storage service a request went to; each is billed at its own rates.</summary>
public enum StorageService
{
    /// <summary>Azure Table storage (snapshot entities).</summary>
    Table,

    /// <summary>Azure Blob storage (spilled payloads, the target list, a configuration blob).</summary>
    Blob,
}
