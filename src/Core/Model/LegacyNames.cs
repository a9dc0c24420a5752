using System.Buffers;
using System.Runtime.CompilerServices;

namespace FedFunctions.Core.Model;

/// <summary>
/// LegacyNames holds Prometheus' classic name syntax: metric names <c>^[a-zA-Z_:][a-zA-Z0-9_:]*$</c> and label
/// names <c>^[a-zA-Z_][a-zA-Z0-9_]*$</c>. Names outside it are valid (UTF-8 names) but must be quoted in the
/// text formats and selectors. Checks exist for UTF-16 strings and UTF-8 bytes alike.
/// </summary>
internal static class LegacyNames
{
    /// <summary>The characters a metric name may continue with (UTF-16).</summary>
    internal static readonly SearchValues<char> MetricNameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:");

    /// <summary>The characters a label name may continue with (UTF-16).</summary>
    internal static readonly SearchValues<char> LabelNameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    /// <summary>The bytes a metric name may continue with (UTF-8).</summary>
    internal static readonly SearchValues<byte> MetricNameBytes =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:"u8);

    /// <summary>The bytes a label name may continue with (UTF-8).</summary>
    internal static readonly SearchValues<byte> LabelNameBytes =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"u8);

    /// <summary>IsMetricNameStart is true for <c>[a-zA-Z_:]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsMetricNameStart(int c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a' || c == '_' || c == ':';

    /// <summary>IsLabelNameStart is true for <c>[a-zA-Z_]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsLabelNameStart(int c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a' || c == '_';

    /// <summary>IsMetricName is true when <paramref name="name"/> matches <c>^[a-zA-Z_:][a-zA-Z0-9_:]*$</c>.</summary>
    internal static bool IsMetricName(ReadOnlySpan<char> name) =>
        name.Length > 0 && IsMetricNameStart(name[0]) && !name.ContainsAnyExcept(MetricNameChars);

    /// <summary>IsLabelName is true when <paramref name="name"/> matches <c>^[a-zA-Z_][a-zA-Z0-9_]*$</c>.</summary>
    internal static bool IsLabelName(ReadOnlySpan<char> name) =>
        name.Length > 0 && IsLabelNameStart(name[0]) && !name.ContainsAnyExcept(LabelNameChars);

    /// <summary>IsMetricName is true when the UTF-8 <paramref name="name"/> matches <c>^[a-zA-Z_:][a-zA-Z0-9_:]*$</c>.</summary>
    internal static bool IsMetricName(ReadOnlySpan<byte> name) =>
        name.Length > 0 && IsMetricNameStart(name[0]) && !name.ContainsAnyExcept(MetricNameBytes);

    /// <summary>IsLabelName is true when the UTF-8 <paramref name="name"/> matches <c>^[a-zA-Z_][a-zA-Z0-9_]*$</c>.</summary>
    internal static bool IsLabelName(ReadOnlySpan<byte> name) =>
        name.Length > 0 && IsLabelNameStart(name[0]) && !name.ContainsAnyExcept(LabelNameBytes);
}
