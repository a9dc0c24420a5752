using System.Collections.Concurrent;
using System.Text;

namespace FedFunctions.Core.Snapshots;

/// <summary>
/// SnapshotStringPool hands out one string instance for each short string decoded from any snapshot: every target
/// repeats the same label names, values such as <c>mode="idle"</c> and help texts, and each new version of a target
/// repeats its own instance and job. Shared, they are decoded into one object each instead of one per snapshot
/// version, so a refresh of thousands of snapshots leaves far less garbage, and writing an answer that takes one
/// series from each of thousands of snapshots finds those strings in the CPU cache rather than one cache line per
/// snapshot.
/// </summary>
/// <remarks>
/// Bounded: the pool keeps at most two generations of <see cref="GenerationCapacity"/> strings. When the current one
/// is full it becomes the previous one and a new one starts; a string found only in the previous generation moves to
/// the current one. Targets whose label values never repeat (a request id, a timestamp) thus push out only strings
/// nobody decoded in a whole generation. Strings longer than <see cref="MaxLength"/> bytes are not pooled.
/// </remarks>
internal static class SnapshotStringPool
{
    /// <summary>The longest string (in UTF-8 bytes) that is pooled.</summary>
    public const int MaxLength = 256;

    /// <summary>How many strings one generation holds.</summary>
    public const int GenerationCapacity = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly Lock RotateLock = new();
    private static Generation _current = new();
    private static Generation _previous = new();

    private sealed class Generation
    {
        public readonly ConcurrentDictionary<string, string> Strings = new(StringComparer.Ordinal);
        public int Count;

        public ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Lookup => Strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Decodes strict UTF-8 <paramref name="utf8"/>, returning the pooled instance when it is short.</summary>
    /// <exception cref="DecoderFallbackException"><paramref name="utf8"/> is not valid UTF-8.</exception>
    public static string Decode(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return "";
        if (utf8.Length > MaxLength) return StrictUtf8.GetString(utf8);
        // At most one char per byte.
        Span<char> chars = stackalloc char[utf8.Length];
        chars = chars[..StrictUtf8.GetChars(utf8, chars)];

        var current = Volatile.Read(ref _current);
        if (current.Lookup.TryGetValue(chars, out var pooled)) return pooled;
        if (!Volatile.Read(ref _previous).Lookup.TryGetValue(chars, out pooled)) pooled = new string(chars);
        Add(current, pooled);
        return pooled;
    }

    /// <summary>How many strings the pool holds (both generations; for tests).</summary>
    internal static int Count => Volatile.Read(ref _current).Strings.Count + Volatile.Read(ref _previous).Strings.Count;

    private static void Add(Generation current, string value)
    {
        if (!current.Strings.TryAdd(value, value)) return;
        if (Interlocked.Increment(ref current.Count) < GenerationCapacity) return;
        lock (RotateLock)
        {
            if (!ReferenceEquals(_current, current)) return; // another thread rotated already
            Volatile.Write(ref _previous, current);
            Volatile.Write(ref _current, new Generation());
        }
    }
}
