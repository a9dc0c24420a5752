using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedFunctions.Functions.Endpoints;

/// <summary>
/// TimerInvocation is what the Functions host POSTs to a custom handler for a timer trigger
/// (<c>{"Data":{"myTimer":{...}},"Metadata":{"sys":{...}}}</c>). Only the parts we log are modelled;
/// <c>ScheduleStatus</c> is null for schedules that fire more than once a minute.
/// </summary>
public sealed class TimerInvocation
{
    /// <summary>Binding data by binding name.</summary>
    public Dictionary<string, JsonElement>? Data { get; set; }

    /// <summary>Trigger metadata (<c>sys.MethodName</c>, <c>sys.UtcNow</c>, ...).</summary>
    public Dictionary<string, JsonElement>? Metadata { get; set; }

    /// <summary>Whether the host says this occurrence is late (missed while the app was down).</summary>
    public bool IsPastDue => TimerInfo is { ValueKind: JsonValueKind.Object } timer &&
        TryGetProperty(timer, "IsPastDue", out var pastDue) && pastDue.ValueKind == JsonValueKind.True;

    /// <summary>The timer binding's value (the first object in <see cref="Data"/>).</summary>
    public JsonElement? TimerInfo => Data?.Values.FirstOrDefault(v => v.ValueKind == JsonValueKind.Object);

    /// <summary>The <c>ScheduleStatus.Next</c> value when the host sent one.</summary>
    public string? ScheduledFor =>
        TimerInfo is { ValueKind: JsonValueKind.Object } timer &&
        TryGetProperty(timer, "ScheduleStatus", out var status) && status.ValueKind == JsonValueKind.Object &&
        TryGetProperty(status, "Next", out var next) && next.ValueKind == JsonValueKind.String
            ? next.GetString()
            : null;

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        // The host serialises with PascalCase; accept any casing as it does when reading.
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }
        value = default;
        return false;
    }
}

/// <summary>InvocationResult is the JSON object the host expects back from a non-HTTP invocation.</summary>
public sealed class InvocationResult
{
    /// <summary>Output bindings by name (none for the timer).</summary>
    public Dictionary<string, object?> Outputs { get; init; } = new();

    /// <summary>Lines the host writes to the invocation log.</summary>
    public List<string> Logs { get; init; } = new();

    /// <summary>The <c>$return</c> binding value (unused).</summary>
    public object? ReturnValue { get; init; }
}

/// <summary>Source-generated JSON for the host payloads (no reflection at start-up).</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(TimerInvocation))]
[JsonSerializable(typeof(InvocationResult))]
internal sealed partial class HostJsonContext : JsonSerializerContext;
