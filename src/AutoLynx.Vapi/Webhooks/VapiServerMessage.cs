using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AutoLynx.Vapi.Models;

namespace AutoLynx.Vapi.Webhooks;

/// <summary>The <c>message</c> of a Vapi server message (webhook). Fields of status-update and end-of-call-report are typed.</summary>
public sealed record VapiServerMessage
{
    public string? Type { get; init; }
    /// <summary>Epoch milliseconds in the current API; ISO in older docs. Both are accepted.</summary>
    public DateTimeOffset? Timestamp { get; init; }
    public VapiCall? Call { get; init; }
    public VapiCustomer? Customer { get; init; }
    public JsonObject? PhoneNumber { get; init; }
    public JsonObject? Assistant { get; init; }

    // status-update
    public string? Status { get; init; }
    public string? EndedReason { get; init; }

    // end-of-call-report
    public decimal? Cost { get; init; }
    public JsonArray? Costs { get; init; }
    public JsonObject? CostBreakdown { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public VapiArtifact? Artifact { get; init; }
    public VapiAnalysis? Analysis { get; init; }

    // legacy top-level end-of-call-report fields some accounts still receive
    public string? RecordingUrl { get; init; }
    public string? Summary { get; init; }
    [JsonConverter(typeof(AnyScalarAsStringConverter))]
    public string? Transcript { get; init; }
    public double? DurationSeconds { get; init; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; init; }

    public bool IsStatusUpdate => Type == VapiMessageTypes.StatusUpdate;
    public bool IsEndOfCallReport => Type == VapiMessageTypes.EndOfCallReport;
}

public static class VapiMessageTypes
{
    public const string StatusUpdate = "status-update";
    public const string EndOfCallReport = "end-of-call-report";

    /// <summary>The types AutoLynx applies (and asks Vapi for); any other (conversation-update, speech-update…) is answered and not kept.</summary>
    public static readonly IReadOnlyList<string> Applied = [StatusUpdate, EndOfCallReport];
}

public enum WebhookParseError { None, NotJson, NoMessage, NoType }

public sealed record WebhookParseResult(VapiServerMessage? Message, WebhookParseError Error, string? Detail)
{
    public bool Ok => Error == WebhookParseError.None;
    /// <summary>status-update and end-of-call-report (<see cref="VapiMessageTypes.Applied"/>) change a call; every other type is recognised and ignored.</summary>
    public bool Actionable => Ok && (Message!.IsStatusUpdate || Message.IsEndOfCallReport);
}

/// <summary>Parses the webhook envelope <c>{"message": {...}}</c>. Never throws on hostile input.</summary>
public static class VapiWebhookParser
{
    public static WebhookParseResult Parse(ReadOnlySpan<byte> body)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 64, AllowTrailingCommas = true, AllowDuplicateProperties = false });
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            return new(null, WebhookParseError.NotJson, ex.Message);
        }
        if (root is not JsonObject obj || obj["message"] is not JsonObject msg)
            return new(null, WebhookParseError.NoMessage, "The body has no \"message\" object.");
        VapiServerMessage? parsed;
        try
        {
            parsed = msg.Deserialize<VapiServerMessage>(VapiJson.Options);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            return new(null, WebhookParseError.NotJson, ex.Message);
        }
        if (parsed is null || string.IsNullOrWhiteSpace(parsed.Type))
            return new(parsed, WebhookParseError.NoType, "The message has no \"type\".");
        return new(parsed, WebhookParseError.None, null);
    }

    public static WebhookParseResult Parse(string body) => Parse(System.Text.Encoding.UTF8.GetBytes(body));
}
