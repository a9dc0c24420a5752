namespace FedFunctions.Core.Model;

/// <summary>
/// Sample is one value of one series: its full label set (with <c>__name__</c>), the float value and an
/// optional timestamp in milliseconds since the Unix epoch.
/// </summary>
/// <param name="Labels">The series' labels, including <c>__name__</c>.</param>
/// <param name="Value">The value; NaN payloads are kept bit for bit.</param>
/// <param name="TimestampMs">The explicit timestamp, or null when the exposition gave none.</param>
/// <param name="Histogram">
/// A native histogram sample, or null for a float sample. For a histogram <paramref name="Value"/> holds its sum,
/// so a staleness marker reads the same for both kinds.
/// </param>
public readonly record struct Sample(Labels Labels, double Value, long? TimestampMs, NativeHistogram? Histogram = null)
{
    /// <summary>Whether this is a native histogram sample.</summary>
    public bool IsHistogram => Histogram is not null;
}
