using System.IO.Hashing;
using System.Text;

namespace FedFunctions.Core.Exposition;

/// <summary>
/// Utf8StringCache maps short UTF-8 byte strings to .NET strings so that the names and values a scrape body
/// repeats on every line (and every scrape) are decoded once. It is a direct-mapped table: a colliding
/// newcomer evicts the old entry, so its size is fixed and it never needs clearing. Not thread-safe; use
/// <see cref="ForCurrentThread"/>.
/// </summary>
internal sealed class Utf8StringCache
{
    /// <summary>Strings longer than this many bytes are decoded without caching (bounded memory).</summary>
    internal const int MaxCachedLength = 128;

    private const int SlotCount = 4096; // power of two; about 2x the distinct strings of a big node_exporter body

    [ThreadStatic]
    private static Utf8StringCache? t_current;

    private readonly Entry[] _slots = new Entry[SlotCount];

    /// <summary>The cache of the calling thread (parsers are synchronous, so one per thread is enough).</summary>
    internal static Utf8StringCache ForCurrentThread => t_current ??= new Utf8StringCache();

    /// <summary>Returns the string for <paramref name="utf8"/>, which must be valid UTF-8.</summary>
    internal string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return "";
        if (utf8.Length > MaxCachedLength) return Encoding.UTF8.GetString(utf8);

        ref var entry = ref _slots[(int)XxHash3.HashToUInt64(utf8) & (SlotCount - 1)];
        if (entry.Key is { } key && utf8.SequenceEqual(key)) return entry.Value!;

        var value = Encoding.UTF8.GetString(utf8);
        entry.Key = utf8.ToArray();
        entry.Value = value;
        return value;
    }

    private struct Entry
    {
        public byte[]? Key;
        public string? Value;
    }
}
