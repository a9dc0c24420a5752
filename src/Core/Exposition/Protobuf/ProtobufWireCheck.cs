using System.Text.Unicode;
using FedFunctions.Core.Binary;
using Google.Protobuf.Reflection;

namespace FedFunctions.Core.Exposition.Protobuf;

/// <summary>
/// ProtobufWireCheck walks a delimited body against the generated descriptors before Google.Protobuf parses it.
/// Google.Protobuf keeps a known field with the wrong wire type as an unknown field and replaces invalid UTF-8;
/// Prometheus' decoder refuses both. The walk allocates nothing, checks every length against what is left (so
/// an absurd length fails before anything is sized from it) and recurses only along the schema's own messages.
/// </summary>
internal static class ProtobufWireCheck
{
    // Wire types of the protobuf encoding.
    private const int VarintWire = 0, Fixed64Wire = 1, LengthDelimitedWire = 2, Fixed32Wire = 5;

    /// <summary>Checks every delimited MetricFamily in <paramref name="body"/>; returns the number of messages.</summary>
    /// <exception cref="ExpositionParseException">The framing or a message is malformed; the message says where.</exception>
    public static int CheckBody(ReadOnlySpan<byte> body)
    {
        var position = 0;
        var families = 0;
        while (position < body.Length)
        {
            families++;
            var start = position;
            var length = ReadLength(body, ref position, $"metric family {families}: length prefix at offset {start}");
            CheckMessage(body.Slice(position, length), MetricFamily.Descriptor, $"metric family {families}", position);
            position += length;
        }
        return families;
    }

    private static void CheckMessage(ReadOnlySpan<byte> message, MessageDescriptor descriptor, string where, int baseOffset)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tagAt = position;
            var tag = ReadVarint(message, ref position, where, baseOffset);
            var number = tag >> 3;
            var wire = (int)(tag & 7);
            if (number == 0 || number > int.MaxValue) throw Fail($"{where}: invalid field number {number} at offset {baseOffset + tagAt}");
            var field = descriptor.FindFieldByNumber((int)number);
            if (field is not null && !WireTypeFits(field, wire))
                throw Fail($"{where}: wrong wire type {wire} for field {descriptor.Name}.{field.Name} at offset {baseOffset + tagAt}");

            switch (wire)
            {
                case VarintWire:
                    var raw = ReadVarint(message, ref position, where, baseOffset);
                    // proto2 enums are closed: Google.Protobuf would keep an unknown value as an unknown field.
                    if (field?.FieldType == FieldType.Enum && field.EnumType.FindValueByNumber(unchecked((int)raw)) is null)
                        throw Fail($"{where}: unknown {field.EnumType.Name} {unchecked((long)raw)}");
                    break;
                case Fixed64Wire:
                    Skip(message, ref position, 8, where, baseOffset);
                    break;
                case Fixed32Wire:
                    Skip(message, ref position, 4, where, baseOffset);
                    break;
                case LengthDelimitedWire:
                    var length = ReadLength(message, ref position, $"{where}: length of field {number} at offset {baseOffset + position}");
                    var content = message.Slice(position, length);
                    if (field?.FieldType == FieldType.Message)
                        CheckMessage(content, field.MessageType, $"{where}: {field.MessageType.Name}", baseOffset + position);
                    else if (field?.FieldType == FieldType.String && !Utf8.IsValid(content))
                        throw Fail($"{where}: field {descriptor.Name}.{field.Name} is not valid UTF-8");
                    else if (field is not null && field.IsRepeated && field.FieldType != FieldType.String)
                        CheckPacked(content, field, where, baseOffset + position);
                    position += length;
                    break;
                default:
                    throw Fail($"{where}: unsupported wire type {wire} at offset {baseOffset + tagAt}");
            }
        }
    }

    /// <summary>A packed run of scalars must hold whole values only.</summary>
    private static void CheckPacked(ReadOnlySpan<byte> content, FieldDescriptor field, string where, int baseOffset)
    {
        var size = FixedSize(field.FieldType);
        if (size > 0)
        {
            if (content.Length % size != 0) throw Fail($"{where}: packed field {field.Name} is {content.Length} bytes, not a multiple of {size}");
            return;
        }
        var position = 0;
        while (position < content.Length) ReadVarint(content, ref position, where, baseOffset);
    }

    private static bool WireTypeFits(FieldDescriptor field, int wire)
    {
        var expected = field.FieldType switch
        {
            FieldType.Double or FieldType.Fixed64 or FieldType.SFixed64 => Fixed64Wire,
            FieldType.Float or FieldType.Fixed32 or FieldType.SFixed32 => Fixed32Wire,
            FieldType.String or FieldType.Bytes or FieldType.Message => LengthDelimitedWire,
            _ => VarintWire,
        };
        // Repeated scalars may come packed (one length-delimited run) or one per tag.
        return wire == expected || (field.IsRepeated && expected != LengthDelimitedWire && wire == LengthDelimitedWire);
    }

    private static int FixedSize(FieldType type) => type switch
    {
        FieldType.Double or FieldType.Fixed64 or FieldType.SFixed64 => 8,
        FieldType.Float or FieldType.Fixed32 or FieldType.SFixed32 => 4,
        _ => 0,
    };

    private static int ReadLength(ReadOnlySpan<byte> data, ref int position, string what)
    {
        var value = ReadVarint(data, ref position, what, 0);
        if (value > (ulong)(data.Length - position))
            throw Fail($"{what}: length {value} runs beyond the end of the data ({data.Length - position} bytes left)");
        return (int)value;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position, string where, int baseOffset)
    {
        var at = position;
        return Varint.TryRead(data, ref position, out var value) switch
        {
            Varint.ReadResult.Ok => value,
            Varint.ReadResult.Truncated => throw Fail($"{where}: truncated varint at offset {baseOffset + at}"),
            _ => throw Fail($"{where}: invalid varint at offset {baseOffset + at}"),
        };
    }

    private static void Skip(ReadOnlySpan<byte> data, ref int position, int count, string where, int baseOffset)
    {
        if (data.Length - position < count) throw Fail($"{where}: truncated fixed-size field at offset {baseOffset + position}");
        position += count;
    }

    private static ExpositionParseException Fail(string message) => new($"protobuf: {message}", 0);
}
