namespace FedFunctions.Core.Storage;

/// <summary>
/// PayloadLayout decides where a payload goes: inline in the entity as binary chunks
/// (<c>Payload0..PayloadN-1</c> plus <c>PayloadChunks</c>) when the whole entity stays under Table's limits
/// with a safety margin, otherwise spilled to a blob that the entity points to.
/// </summary>
/// <param name="Inline">Whether the payload is stored in the entity.</param>
/// <param name="Chunks">How many chunk properties an inline payload uses (0 for an empty payload or a spill).</param>
/// <param name="EntityBytes">The entity's computed size for this layout.</param>
internal readonly record struct PayloadLayout(bool Inline, int Chunks, long EntityBytes)
{
    /// <summary>ChunkBytes is the size of a full chunk: below the 64 KiB binary limit, with margin.</summary>
    public const int ChunkBytes = EntitySize.MaxBinaryBytes - 1024;

    /// <summary>ChunksProperty counts the chunks of an inline payload.</summary>
    public const string ChunksProperty = "PayloadChunks";

    /// <summary>BlobProperty names the blob of a spilled payload.</summary>
    public const string BlobProperty = "PayloadBlob";

    /// <summary>LengthProperty holds the byte length of a spilled payload (checked on read).</summary>
    public const string LengthProperty = "PayloadLength";

    /// <summary>ChunkProperty is the name of chunk <paramref name="index"/>.</summary>
    public static string ChunkProperty(int index) => index switch
    {
        < 16 => ChunkNames[index],
        _ => "Payload" + index.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static readonly string[] ChunkNames = [.. Enumerable.Range(0, 16).Select(i => "Payload" + i)];

    /// <summary>
    /// Plan chooses the layout for a payload of <paramref name="payloadLength"/> bytes, given the size and
    /// property count of everything else in the entity (keys included).
    /// </summary>
    /// <param name="fixedBytes">Size of the keys and the non-payload properties (<see cref="EntitySize"/>).</param>
    /// <param name="fixedProperties">Number of non-payload custom properties.</param>
    /// <param name="payloadLength">Payload size in bytes.</param>
    /// <param name="blobName">The blob name a spill would store in the entity (for its size).</param>
    public static PayloadLayout Plan(long fixedBytes, int fixedProperties, int payloadLength, string blobName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        var chunks = (int)(((long)payloadLength + ChunkBytes - 1) / ChunkBytes);
        var inlineBytes = fixedBytes + EntitySize.Int32(ChunksProperty);
        for (var i = 0; i < chunks; i++)
        {
            var length = Math.Min(ChunkBytes, payloadLength - i * ChunkBytes);
            inlineBytes += EntitySize.Binary(ChunkProperty(i), length);
        }
        var inlineProperties = fixedProperties + 1 + chunks;
        if (inlineBytes <= MaxInlineEntityBytes && inlineProperties <= EntitySize.MaxCustomProperties)
            return new PayloadLayout(true, chunks, inlineBytes);

        var spillBytes = fixedBytes + EntitySize.String(BlobProperty, blobName) + EntitySize.Int64(LengthProperty);
        return new PayloadLayout(false, 0, spillBytes);
    }

    /// <summary>MaxInlineEntityBytes is the largest entity we write: 1 MiB minus the safety margin.</summary>
    public const long MaxInlineEntityBytes = EntitySize.MaxEntityBytes - EntitySize.SafetyMarginBytes;
}
