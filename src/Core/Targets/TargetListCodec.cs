using System.Buffers;
using System.Text.Json;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Targets;

/// <summary>
/// TargetListCodec writes a <see cref="TargetList"/> as small JSON (versioned, labels as objects in label order)
/// and reads it back. Decoding rejects anything else with an <see cref="InvalidDataException"/> that says why.
/// </summary>
public static class TargetListCodec
{
    private const int Version = 1;

    /// <summary>Encodes <paramref name="list"/> as UTF-8 JSON.</summary>
    public static byte[] Encode(TargetList list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", Version);
            json.WriteStartArray("active");
            foreach (var t in list.Active)
            {
                json.WriteStartObject();
                json.WriteString("pool", t.ScrapePool);
                json.WriteString("url", t.ScrapeUrl);
                json.WriteString("interval", t.ScrapeInterval);
                json.WriteString("timeout", t.ScrapeTimeout);
                WriteLabels(json, "discovered", t.DiscoveredLabels);
                WriteLabels(json, "labels", t.Labels);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("dropped");
            foreach (var d in list.Dropped)
            {
                json.WriteStartObject();
                json.WriteString("pool", d.ScrapePool);
                WriteLabels(json, "discovered", d.DiscoveredLabels);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteNumber("droppedTotal", list.DroppedTotal);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes what <see cref="Encode"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The content is not a target list of this version.</exception>
    public static TargetList Decode(ReadOnlyMemory<byte> content)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("v", out var v) || v.GetInt32() != Version)
                throw new InvalidDataException($"the stored target list is not of version {Version}");
            var active = root.GetProperty("active").EnumerateArray().Select(t => new ListedTarget(
                Text(t, "pool"), Text(t, "url"), Text(t, "interval"), Text(t, "timeout"),
                ReadLabels(t.GetProperty("discovered")), ReadLabels(t.GetProperty("labels")))).ToList();
            var dropped = root.GetProperty("dropped").EnumerateArray()
                .Select(d => new ListedDroppedTarget(Text(d, "pool"), ReadLabels(d.GetProperty("discovered")))).ToList();
            return new TargetList(active, dropped, root.GetProperty("droppedTotal").GetInt32());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"the stored target list is unreadable: {ex.Message}", ex);
        }
    }

    private static void WriteLabels(Utf8JsonWriter json, string name, Labels labels)
    {
        json.WriteStartObject(name);
        foreach (var label in labels.AsSpan()) json.WriteString(label.Name, label.Value);
        json.WriteEndObject();
    }

    private static Labels ReadLabels(JsonElement element) =>
        Labels.From(element.EnumerateObject().Select(p => new Label(p.Name, p.Value.GetString() ?? "")));

    private static string Text(JsonElement element, string name) => element.GetProperty(name).GetString() ?? "";
}
