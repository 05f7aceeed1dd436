using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Compliance;
using AutoLynx.Features.Contacts;
using AutoLynx.Wire;

namespace AutoLynx.Features.Webhooks;

/// <summary>
/// The bodies of outbound webhooks: <c>{ "type", "timestamp", "data" }</c> as the Standard Webhooks specification
/// suggests; camelCase, statuses and outcomes in the API's wire names.
/// </summary>
public static class WebhookPayloads
{
    public static string Envelope(string type, DateTime at, JsonObject data)
        => new JsonObject { ["type"] = type, ["timestamp"] = at.ToString("O"), ["data"] = data }.ToJsonString();

    public static JsonObject Campaign(Campaign c) => new()
    {
        ["campaign"] = new JsonObject
        {
            ["id"] = c.Id, ["name"] = c.Name, ["status"] = WireNames.State(c.Status), ["statusReason"] = c.StatusReason,
            ["totalContacts"] = c.TotalContacts, ["createdAt"] = c.CreatedAt, ["queuedAt"] = c.QueuedAt, ["pausedAt"] = c.PausedAt,
            ["stoppedAt"] = c.StoppedAt, ["completedAt"] = c.CompletedAt,
        },
    };

    public static JsonObject CallEnded(Call call, Contact? contact, string? campaignName) => new()
    {
        ["campaign"] = new JsonObject { ["id"] = call.CampaignId, ["name"] = campaignName },
        ["call"] = new JsonObject
        {
            ["id"] = call.Id, ["providerCallId"] = call.ProviderCallId, ["attempt"] = call.AttemptNumber,
            ["status"] = WireNames.State(call.Status), ["outcome"] = call.Outcome is { } o ? WireNames.Kind(o) : null,
            ["endedReason"] = call.EndedReason, ["error"] = call.ErrorMessage,
            ["startedAt"] = call.StartedAt, ["endedAt"] = call.EndedAt, ["durationSeconds"] = call.DurationSeconds, ["cost"] = call.Cost,
            ["summary"] = call.Summary, ["successEvaluation"] = call.SuccessEvaluation, ["structuredData"] = ParseOrNull(call.StructuredDataJson),
            ["recordingUrl"] = call.RecordingUrl, ["stereoRecordingUrl"] = call.StereoRecordingUrl, ["transcript"] = call.Transcript,
        },
        ["contact"] = contact is null ? null : new JsonObject
        {
            ["id"] = contact.Id, ["row"] = contact.RowNumber, ["name"] = contact.Name, ["businessName"] = contact.BusinessName,
            ["phone"] = contact.Phone, ["state"] = WireNames.State(contact.State), ["attempts"] = contact.Attempts,
            ["variables"] = Variables(contact),
        },
    };

    public static JsonObject DncAdded(DncEntry e) => new()
    {
        ["entry"] = new JsonObject
        {
            ["id"] = e.Id == 0 ? null : e.Id, ["number"] = e.Phone, ["reason"] = e.Reason, ["source"] = e.Source, ["addedBy"] = e.AddedBy,
            ["addedAt"] = e.AddedAt,
        },
    };

    /// <summary>The values the assistant was given for this contact (as the launcher sends them).</summary>
    private static JsonObject Variables(Contact c)
    {
        var variables = new JsonObject { ["name"] = c.Name, ["business_name"] = c.BusinessName };
        if (ParseOrNull(c.ExtraJson) is JsonObject extra)
            foreach (var (k, v) in extra) variables.TryAdd(k, v?.DeepClone());
        return variables;
    }

    private static JsonNode? ParseOrNull(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try { return JsonNode.Parse(json); }
        catch (JsonException) { return json; }
    }
}
