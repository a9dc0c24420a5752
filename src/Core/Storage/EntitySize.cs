namespace FedFunctions.Core.Storage;

/// <summary>
/// EntitySize computes an entity's stored size with Table's documented formula
/// (<c>4 + (len(PartitionKey) + len(RowKey)) * 2 + Σ(8 + len(name) * 2 + sizeof(value))</c>, strings
/// counted as <c>4 + len * 2</c>, binary as <c>4 + length</c>) and holds the limits Azure enforces
/// (Azurite does not enforce all of them, so our code must).
/// </summary>
internal static class EntitySize
{
    /// <summary>MaxEntityBytes is Table's limit on the total size of an entity (1 MiB).</summary>
    public const int MaxEntityBytes = 1024 * 1024;

    /// <summary>SafetyMarginBytes is kept free below <see cref="MaxEntityBytes"/> for formula/encoding differences.</summary>
    public const int SafetyMarginBytes = 32 * 1024;

    /// <summary>MaxCustomProperties is 255 properties minus PartitionKey, RowKey and Timestamp.</summary>
    public const int MaxCustomProperties = 252;

    /// <summary>MaxBinaryBytes is Table's limit on one binary property (64 KiB).</summary>
    public const int MaxBinaryBytes = 64 * 1024;

    /// <summary>MaxStringChars is Table's 64 KiB limit on one string property, in UTF-16 chars.</summary>
    public const int MaxStringChars = 32 * 1024;

    /// <summary>Keys is the size of the fixed part plus PartitionKey and RowKey.</summary>
    public static long Keys(string partitionKey, string rowKey) => 4 + ((long)partitionKey.Length + rowKey.Length) * 2;

    /// <summary>String is the size of a string property.</summary>
    public static long String(string name, string value) => Property(name) + 4 + (long)value.Length * 2;

    /// <summary>Binary is the size of a binary property of <paramref name="length"/> bytes.</summary>
    public static long Binary(string name, int length) => Property(name) + 4 + length;

    /// <summary>Int64 is the size of an Int64 property.</summary>
    public static long Int64(string name) => Property(name) + 8;

    /// <summary>Int32 is the size of an Int32 property.</summary>
    public static long Int32(string name) => Property(name) + 4;

    /// <summary>Boolean is the size of a Boolean property.</summary>
    public static long Boolean(string name) => Property(name) + 1;

    private static long Property(string name) => 8 + (long)name.Length * 2;
}
