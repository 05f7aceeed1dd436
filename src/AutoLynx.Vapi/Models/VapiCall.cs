using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AutoLynx.Vapi.Models;

/// <summary>Vapi's Call object. Only what AutoLynx reads is typed; everything else is kept in <see cref="Extra"/>.</summary>
public sealed record VapiCall
{
    public string Id { get; init; } = "";
    public string? OrgId { get; init; }
    public string? Type { get; init; }
    /// <summary>scheduled, queued, ringing, in-progress, forwarding, ended (and rare others) — see <see cref="VapiCallStatus"/>.</summary>
    public string? Status { get; init; }
    public string? EndedReason { get; init; }
    public string? EndedMessage { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public string? AssistantId { get; init; }
    public string? PhoneNumberId { get; init; }
    public string? Name { get; init; }
    public VapiCustomer? Customer { get; init; }
    public JsonObject? AssistantOverrides { get; init; }
    public decimal? Cost { get; init; }
    public JsonArray? Costs { get; init; }
    public JsonObject? CostBreakdown { get; init; }
    public VapiArtifact? Artifact { get; init; }
    public VapiAnalysis? Analysis { get; init; }
    public VapiMonitor? Monitor { get; init; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; init; }

    /// <summary>The metadata AutoLynx put in <c>assistantOverrides.metadata</c>, echoed back by Vapi.</summary>
    public string? MetadataValue(string key)
        => AssistantOverrides?["metadata"] is JsonObject md && md[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

public sealed record VapiCustomer
{
    public string? Number { get; init; }
    public string? Name { get; init; }
    public string? Email { get; init; }
    public string? ExternalId { get; init; }
    public string? Extension { get; init; }
}

public sealed record VapiArtifact
{
    public string? Transcript { get; init; }
    public JsonArray? Messages { get; init; }
    public string? RecordingUrl { get; init; }
    public string? StereoRecordingUrl { get; init; }
    public JsonObject? Recording { get; init; }
    public string? LogUrl { get; init; }

    /// <summary>Best recording URL: the deprecated flat field if sent, else recording.mono.combinedUrl, else stereo.</summary>
    public string? BestRecordingUrl =>
        RecordingUrl
        ?? (Recording?["mono"] is JsonObject mono ? Text(mono["combinedUrl"]) : null)
        ?? Text(Recording?["stereoUrl"])
        ?? StereoRecordingUrl;

    /// <summary>recording.stereoUrl, or the deprecated flat field.</summary>
    public string? BestStereoUrl => StereoRecordingUrl ?? Text(Recording?["stereoUrl"]);

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

public sealed record VapiAnalysis
{
    public string? Summary { get; init; }
    /// <summary>A string in Vapi's API ("true", "8", …) whatever the rubric; numbers and booleans are normalised to text.</summary>
    [JsonConverter(typeof(AnyScalarAsStringConverter))]
    public string? SuccessEvaluation { get; init; }
    public JsonObject? StructuredData { get; init; }
}

public sealed record VapiMonitor
{
    public string? ListenUrl { get; init; }
    public string? ControlUrl { get; init; }
}

public sealed record VapiSubscriptionLimits
{
    public bool? ConcurrencyBlocked { get; init; }
    public int? ConcurrencyLimit { get; init; }
    public int? RemainingConcurrentCalls { get; init; }
}

/// <summary>What POST /call answers: the Call plus <c>subscriptionLimits</c>.</summary>
public sealed record CreateCallResult(VapiCall Call, VapiSubscriptionLimits? SubscriptionLimits);

/// <summary>Reads a JSON string, number or boolean as a string; anything else becomes its raw JSON.</summary>
public sealed class AnyScalarAsStringConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null: return null;
            case JsonTokenType.String: return reader.GetString();
            case JsonTokenType.True: return "true";
            case JsonTokenType.False: return "false";
            case JsonTokenType.Number:
                using (var d = JsonDocument.ParseValue(ref reader)) return d.RootElement.GetRawText();
            default:
                using (var d = JsonDocument.ParseValue(ref reader)) return d.RootElement.GetRawText();
        }
    }
    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null) writer.WriteNullValue(); else writer.WriteStringValue(value);
    }
}
