namespace FedFunctions.Core.Model;

/// <summary>Prometheus' special NaN values (<c>model/value</c>).</summary>
internal static class StaleNaN
{
    /// <summary>The bits of a staleness marker.</summary>
    public const ulong StaleBits = 0x7ff0000000000002;

    /// <summary>The bits of the NaN Prometheus stores for an exposed <c>NaN</c>.</summary>
    public const ulong NormalBits = 0x7ff8000000000001;

    /// <summary>A staleness marker value.</summary>
    public static double Value => BitConverter.UInt64BitsToDouble(StaleBits);

    /// <summary>Whether <paramref name="value"/> is a staleness marker (compared by bits).</summary>
    public static bool IsStale(double value) => BitConverter.DoubleToUInt64Bits(value) == StaleBits;
}
