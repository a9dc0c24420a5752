using System.Buffers;
using System.Text;
using System.Text.Json;
using FedFunctions.Core.Configuration;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Sharding;

/// <summary>
/// ShardMessageCodec writes and reads <see cref="ShardMessage"/> as compact JSON (version 1):
/// <c>{"v":1,"config":"…","scheduled":ms,"targets":[{"job":"…","url":"…","labels":["name","value",…],"interval":ms,"timeout":ms,"error":"…",
/// "stored":{"ms":ms,"etag":"…","blob":"…"}}]}</c> (<c>error</c>, <c>stored</c> and <c>blob</c> only when present).
/// The queue carries it base64-encoded, as the Functions queue trigger expects.
/// </summary>
public static class ShardMessageCodec
{
    /// <summary>Version is the message format written; a reader refuses any other.</summary>
    public const int Version = 1;

    /// <summary>MaxQueueMessageBytes (64 KiB) is the queue's limit on a message as sent, after base64 encoding.</summary>
    public const int MaxQueueMessageBytes = 64 * 1024;

    /// <summary>Base64Length is how long <paramref name="bytes"/> bytes are once base64-encoded.</summary>
    public static int Base64Length(int bytes) => (bytes + 2) / 3 * 4;

    /// <summary>EncodeUtf8 writes <paramref name="message"/> as UTF-8 JSON.</summary>
    public static byte[] EncodeUtf8(ShardMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", Version);
            json.WriteString("config", message.ConfigHash);
            json.WriteNumber("scheduled", message.ScheduledMs);
            json.WriteStartArray("targets");
            foreach (var target in message.Targets) WriteTarget(json, target);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Encode is <see cref="EncodeUtf8"/> as a string (the queue message text before base64).</summary>
    public static string Encode(ShardMessage message) => Encoding.UTF8.GetString(EncodeUtf8(message));

    private static void WriteTarget(Utf8JsonWriter json, ShardTarget target)
    {
        json.WriteStartObject();
        json.WriteString("job", target.Job);
        json.WriteString("url", target.Url);
        json.WriteStartArray("labels");
        foreach (var label in target.Labels)
        {
            json.WriteStringValue(label.Name);
            json.WriteStringValue(label.Value);
        }
        json.WriteEndArray();
        json.WriteNumber("interval", target.IntervalMs);
        json.WriteNumber("timeout", target.TimeoutMs);
        if (target.ForcedError is not null) json.WriteString("error", target.ForcedError);
        if (target.Stored is { } stored)
        {
            json.WriteStartObject("stored");
            json.WriteNumber("ms", stored.ScrapeTimestampMs);
            json.WriteString("etag", stored.ETag);
            if (stored.Blob is not null) json.WriteString("blob", stored.Blob);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    /// <summary>Decode reads a message written by <see cref="Encode"/>.</summary>
    /// <exception cref="ShardMessageException">The text is not a version-1 shard message; the message says what is wrong.</exception>
    public static ShardMessage Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Invalid("not a JSON object");
            var version = Required(root, "v").GetInt32();
            if (version != Version) throw Invalid($"format version {version}, this version reads {Version}");
            var hash = Required(root, "config").GetString() ?? throw Invalid("\"config\" is null");
            var scheduled = Required(root, "scheduled").GetInt64();
            var targets = new List<ShardTarget>();
            foreach (var item in Required(root, "targets").EnumerateArray()) targets.Add(ReadTarget(item));
            if (targets.Count == 0) throw Invalid("no targets");
            return new ShardMessage(hash, scheduled, targets);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw Invalid(ex.Message, ex);
        }
    }

    private static ShardTarget ReadTarget(JsonElement item)
    {
        var flat = Required(item, "labels").EnumerateArray().Select(e => e.GetString() ?? throw Invalid("a label is null")).ToArray();
        if (flat.Length % 2 != 0) throw Invalid("\"labels\" must hold name/value pairs");
        var labels = new List<Label>(flat.Length / 2);
        for (var i = 0; i < flat.Length; i += 2) labels.Add(new Label(flat[i], flat[i + 1]));
        var interval = Required(item, "interval").GetInt64();
        var timeout = Required(item, "timeout").GetInt64();
        if (interval <= 0 || timeout <= 0) throw Invalid("\"interval\" and \"timeout\" must be positive");
        var job = Required(item, "job").GetString() ?? throw Invalid("\"job\" is null");
        var targetLabels = Labels.From(labels);
        Storage.SnapshotVersion? stored = null;
        if (item.TryGetProperty("stored", out var version))
        {
            stored = new Storage.SnapshotVersion(Storage.SnapshotStore.KeyFor(job, targetLabels), Required(version, "ms").GetInt64(),
                Required(version, "etag").GetString() ?? throw Invalid("\"etag\" is null"),
                version.TryGetProperty("blob", out var blob) ? blob.GetString() : null);
        }
        return new ShardTarget(
            job,
            Required(item, "url").GetString() ?? throw Invalid("\"url\" is null"),
            targetLabels,
            interval,
            timeout,
            item.TryGetProperty("error", out var error) ? error.GetString() : null,
            stored);
    }

    private static JsonElement Required(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value : throw Invalid($"\"{name}\" is missing");

    private static ShardMessageException Invalid(string problem, Exception? inner = null) => new($"not a shard message: {problem}", inner);

    /// <summary>FromTarget is the message form of <paramref name="target"/>, with its <paramref name="stored"/> version if it has one.</summary>
    public static ShardTarget FromTarget(ScrapeTarget target, Storage.SnapshotVersion? stored = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new ShardTarget(target.Job.JobName, target.Url.AbsoluteUri, target.Labels,
            (long)target.ScrapeInterval.TotalMilliseconds, (long)target.ScrapeTimeout.TotalMilliseconds, target.ForcedError, stored);
    }

    /// <summary>
    /// ToTarget rebuilds a scrape target from <paramref name="target"/> with the settings of its job in <paramref name="config"/>
    /// (the configuration whose hash the message carries).
    /// </summary>
    /// <exception cref="ShardMessageException">The job is not in <paramref name="config"/> or the URL is not absolute.</exception>
    public static ScrapeTarget ToTarget(ShardTarget target, FederationConfig config)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(config);
        var job = config.ScrapeConfigs.FirstOrDefault(j => j.JobName == target.Job)
            ?? throw new ShardMessageException($"shard names job \"{target.Job}\", which the configuration does not have");
        if (!Uri.TryCreate(target.Url, UriKind.Absolute, out var url))
            throw new ShardMessageException($"not a shard message: target URL \"{target.Url}\" is not absolute");
        return new ScrapeTarget(job, url, target.Labels)
        {
            ScrapeInterval = TimeSpan.FromMilliseconds(target.IntervalMs),
            ScrapeTimeout = TimeSpan.FromMilliseconds(target.TimeoutMs),
            ForcedError = target.ForcedError,
        };
    }
}
