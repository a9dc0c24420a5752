using Azure.Core;

namespace FedFunctions.Core.Storage;

/// <summary>
/// StorageOperation names what one storage REST request does, from its method, path, query and conditional
/// headers alone (no SDK internals), as the label <c>operation</c> of the app's storage counters. The names are a
/// small fixed set; the cost model prices each by its billing class.
/// </summary>
public static class StorageOperation
{
    /// <summary>A page of a Table query (GET <c>table()</c>): each page, continuation included, is one request.</summary>
    public const string Query = "query";

    /// <summary>A point read of one entity (GET <c>table(PartitionKey=..,RowKey=..)</c>), or Get Blob without conditions.</summary>
    public const string Get = "get";

    /// <summary>Insert Entity (POST <c>table</c>).</summary>
    public const string Insert = "insert";

    /// <summary>
    /// Update Entity: PUT or MERGE with <c>If-Match</c> (a conditional replace); or Update Message (PUT
    /// <c>messages/id?popreceipt=..</c>: a lease renewal, or a release for retry).
    /// </summary>
    public const string Update = "update";

    /// <summary>Insert Or Replace / Insert Or Merge: PUT or MERGE without <c>If-Match</c>.</summary>
    public const string Upsert = "upsert";

    /// <summary>Delete Entity, Delete Blob, or Delete Message (DELETE <c>messages/id?popreceipt=..</c>).</summary>
    public const string Delete = "delete";

    /// <summary>An entity group transaction (POST <c>$batch</c>): one request however many entities it holds.</summary>
    public const string Batch = "batch";

    /// <summary>Create Table (POST <c>Tables</c>).</summary>
    public const string CreateTable = "create_table";

    /// <summary>Get Blob with <c>If-None-Match</c> or <c>If-Modified-Since</c> (answered 304 while unchanged).</summary>
    public const string ConditionalGet = "conditional_get";

    /// <summary>Get Blob Properties (HEAD).</summary>
    public const string Head = "head";

    /// <summary>Put Blob, Put Block or Put Block List: a write of blob content.</summary>
    public const string Put = "put";

    /// <summary>List Blobs, or List Queues: each page is one request.</summary>
    public const string List = "list";

    /// <summary>Create Container.</summary>
    public const string CreateContainer = "create_container";

    /// <summary>Put Message (POST <c>queue/messages</c>).</summary>
    public const string Send = "send";

    /// <summary>Get Messages (GET <c>queue/messages</c>): one request however many messages it takes, none included.</summary>
    public const string Receive = "receive";

    /// <summary>Peek Messages (GET <c>queue/messages?peekonly=true</c>).</summary>
    public const string Peek = "peek";

    /// <summary>Clear Messages (DELETE <c>queue/messages</c>).</summary>
    public const string Clear = "clear";

    /// <summary>Create Queue (PUT <c>queue</c>).</summary>
    public const string CreateQueue = "create_queue";

    /// <summary>Delete Queue (DELETE <c>queue</c>).</summary>
    public const string DeleteQueue = "delete_queue";

    /// <summary>Get Queue Metadata (GET or HEAD <c>queue?comp=metadata</c>): the SDK's GetProperties, with the approximate message count.</summary>
    public const string GetProperties = "get_properties";

    /// <summary>Anything else (service, container or queue properties set, ACLs, table deletion, metadata).</summary>
    public const string Other = "other";

    /// <summary>Classify names the operation of <paramref name="request"/> to <paramref name="service"/>.</summary>
    public static string Classify(StorageService service, Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return service switch
        {
            StorageService.Table => ClassifyTable(request.Method.Method, LastSegment(request.Uri.Path), request.Headers.Contains("If-Match")),
            StorageService.Queue => ClassifyQueue(request.Method.Method, request.Uri.Path, request.Uri.Query),
            _ => ClassifyBlob(request.Method.Method, request.Uri.Query, request.Headers.Contains("If-None-Match") || request.Headers.Contains("If-Modified-Since")),
        };
    }

    // Table paths end in "Tables", "Tables('name')", "$batch", "name", "name()" or "name(PartitionKey='..',RowKey='..')".
    private static string ClassifyTable(string method, string segment, bool ifMatch)
    {
        if (segment == "$batch") return method == "POST" ? Batch : Other;
        if (segment.Equals("Tables", StringComparison.OrdinalIgnoreCase)) return method == "POST" ? CreateTable : Other;
        var paren = segment.IndexOf('(', StringComparison.Ordinal);
        if (paren < 0) return method == "POST" ? Insert : Other;
        if (segment.StartsWith("Tables(", StringComparison.OrdinalIgnoreCase)) return Other;
        var keyed = segment.Length > paren + 2; // "name()" is the whole table, "name(PartitionKey=...)" one entity
        return method switch
        {
            "GET" => keyed ? Get : Query,
            "PUT" or "MERGE" or "PATCH" when keyed => ifMatch ? Update : Upsert,
            "DELETE" when keyed => Delete,
            _ => Other,
        };
    }

    private static string ClassifyBlob(string method, string query, bool conditional)
    {
        var container = HasParameter(query, "restype", "container");
        if (HasParameter(query, "comp", "list")) return method == "GET" ? List : Other;
        if (container) return method == "PUT" ? CreateContainer : Other;
        var comp = HasParameter(query, "comp", "block") || HasParameter(query, "comp", "blocklist");
        return method switch
        {
            "GET" => conditional ? ConditionalGet : Get,
            "HEAD" => Head,
            "PUT" when comp || !query.Contains("comp=", StringComparison.Ordinal) => Put,
            "DELETE" => Delete,
            _ => Other,
        };
    }

    // Queue paths are "queue", "queue/messages" or "queue/messages/id" (after the account name on an emulator's path-style
    // URI): a request on one message carries its pop receipt, one on the messages ends in "messages". So deleting a
    // queue itself named "messages" reads as clearing it (a queue request all the same).
    private static string ClassifyQueue(string method, string path, string query)
    {
        if (HasParameter(query, "comp", "list")) return method == "GET" ? List : Other;
        if (query.Contains("restype=", StringComparison.Ordinal) || query.Contains("comp=", StringComparison.Ordinal))
            return HasParameter(query, "comp", "metadata") && method is "GET" or "HEAD" ? GetProperties : Other;
        if (HasParameterName(query, "popreceipt"))
            return method switch { "DELETE" => Delete, "PUT" => Update, _ => Other };
        var messages = LastSegment(path) == "messages";
        return method switch
        {
            "POST" when messages => Send,
            "GET" when messages => HasParameter(query, "peekonly", "true") ? Peek : Receive,
            "DELETE" => messages ? Clear : DeleteQueue,
            "PUT" => CreateQueue, // the only PUT without a pop receipt or comp=
            _ => Other,
        };
    }

    private static string LastSegment(string path)
    {
        var trimmed = path.TrimEnd('/');
        var segment = trimmed[(trimmed.LastIndexOf('/') + 1)..];
        return segment.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(segment) : segment;
    }

    private static bool HasParameterName(string query, string name) =>
        query.TrimStart('?').Split('&').Any(part => part.Split('=', 2)[0].Equals(name, StringComparison.OrdinalIgnoreCase));

    private static bool HasParameter(string query, string name, string value)
    {
        foreach (var part in query.TrimStart('?').Split('&'))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && part[..equals] == name && string.Equals(Uri.UnescapeDataString(part[(equals + 1)..]), value, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }
}
