using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Vapi.Models;
using AutoLynx.Vapi.Webhooks;

namespace AutoLynx.Features.Assistants;

/// <summary>A top-level field whose value differs between our copy and Vapi's (null = absent on that side).</summary>
public sealed record DriftField(string Field, JsonNode? Ours, JsonNode? Vapi);

/// <summary>
/// The JSON rules of the directory: which part of an assistant's <c>server</c> AutoLynx owns (the webhook URL and
/// its secret header, never stored), and how two configurations differ. What is never shown: <see cref="AssistantSecrets"/>.
/// </summary>
public static class AssistantJson
{
    public const string WebhookPath = "/api/webhooks/vapi";
    public const string SecretHeader = "X-Vapi-Secret";

    public static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        try { return JsonNode.Parse(json) as JsonObject ?? []; }
        catch (JsonException) { return []; }
    }

    public static string ToPrettyJson(JsonNode? node) => node?.ToJsonString(Pretty) ?? "null";

    /// <summary>A copy without Vapi's server-owned fields (id, orgId, timestamps…): what can be POSTed or PATCHed.</summary>
    public static JsonObject WithoutServerFields(JsonObject config)
    {
        var copy = (JsonObject)config.DeepClone();
        foreach (var f in VapiAssistant.ServerFields) copy.Remove(f);
        return copy;
    }

    /// <summary>
    /// Points the assistant's calls at this app: <c>server.url</c> = our webhook, and the webhook secret as a static
    /// header (Vapi sends <c>server.headers</c> verbatim). Other <c>server</c> fields (timeout, backoff…) are kept.
    /// Without a known public URL nothing is set, and the Vapi org's own server URL applies. Nor without a way for
    /// Vapi to authenticate (no shared secret, no <c>server.credentialId</c>): an assistant-level server replaces the
    /// org's, credential included, and unauthenticated webhooks would be refused — the org's settings stay in charge.
    /// </summary>
    public static void BindServer(JsonObject config, string? webhookUrl, string? secret)
    {
        if (webhookUrl is null) return;
        if (string.IsNullOrEmpty(secret) && (config["server"] as JsonObject)?["credentialId"] is null) return;
        var server = config["server"] as JsonObject ?? [];
        config["server"] = server;
        server["url"] = webhookUrl;
        if (!string.IsNullOrEmpty(secret))
        {
            var headers = server["headers"] as JsonObject ?? [];
            server["headers"] = headers;
            headers[SecretHeader] = secret;
        }
    }

    /// <summary>The server messages AutoLynx acts on: a call's status and its end-of-call report.</summary>
    public static IReadOnlyList<string> UsedServerMessages => VapiMessageTypes.Applied;

    /// <summary>What Vapi sends an assistant that sets no <c>serverMessages</c> (vapi-contract.md §8).</summary>
    public static readonly string[] VapiDefaultServerMessages =
    [
        "conversation-update", "end-of-call-report", "function-call", "hang", "speech-update", "status-update", "tool-calls",
        "transfer-destination-request", "handoff-destination-request", "user-interrupted", "assistant.started",
    ];

    /// <summary>
    /// Asks Vapi only for what AutoLynx uses. Without <c>serverMessages</c> Vapi sends its default list, in which
    /// conversation-update and speech-update come several times per turn, each carrying the call and the conversation so
    /// far: webhooks AutoLynx would receive only to throw away. A list the user set keeps its entries; the used ones are added.
    /// </summary>
    public static void AskForUsedMessages(JsonObject config)
    {
        var wanted = config["serverMessages"] is JsonArray list
            ? list.Select(m => m?.ToString()).OfType<string>().Union(UsedServerMessages, StringComparer.Ordinal)
            : UsedServerMessages;
        config["serverMessages"] = new JsonArray([.. wanted.Select(m => (JsonNode)JsonValue.Create(m)!)]);
    }

    /// <summary>The messages this configuration makes Vapi send that AutoLynx does not use (Vapi's default list when it sets none).</summary>
    public static IReadOnlyList<string> UnusedServerMessages(JsonObject config)
    {
        var effective = config["serverMessages"] is JsonArray list ? list.Select(m => m?.ToString()).OfType<string>() : VapiDefaultServerMessages;
        return effective.Except(UsedServerMessages, StringComparer.Ordinal).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Removes what <see cref="BindServer"/> added when it points at some AutoLynx (a stale demo port, say).</summary>
    public static void UnbindServer(JsonObject config)
    {
        if (config["server"] is not JsonObject server) return;
        if (server["url"] is JsonValue v && v.TryGetValue<string>(out var url) && url.EndsWith(WebhookPath, StringComparison.Ordinal))
            server.Remove("url");
        RemoveSecret(server);
        if (server.Count == 0) config.Remove("server");
    }

    /// <summary>
    /// The copy we store: without our own webhook secret (it is configuration, re-added on every write to Vapi). Other
    /// secrets stay, server side only, so that writes from our copy keep them on Vapi; nothing is shown without
    /// <see cref="AssistantSecrets.Redact(JsonObject)"/>.
    /// </summary>
    public static JsonObject WithoutWebhookSecret(JsonObject config)
    {
        var copy = (JsonObject)config.DeepClone();
        if (copy["server"] is JsonObject server) RemoveSecret(server);
        return copy;
    }

    private static void RemoveSecret(JsonObject server)
    {
        if (server["headers"] is not JsonObject headers) return;
        foreach (var key in headers.Select(h => h.Key).Where(k => k.Equals(SecretHeader, StringComparison.OrdinalIgnoreCase)).ToList())
            headers.Remove(key);
        if (headers.Count == 0) server.Remove("headers");
    }

    /// <summary>Top-level fields that differ, in a stable order (ours first, then fields only Vapi has).</summary>
    public static List<DriftField> Diff(JsonObject ours, JsonObject vapi)
    {
        var fields = ours.Select(p => p.Key).Concat(vapi.Select(p => p.Key)).Distinct(StringComparer.Ordinal)
            .Where(f => !VapiAssistant.ServerFields.Contains(f));
        var result = new List<DriftField>();
        foreach (var f in fields)
        {
            var a = ours[f];
            var b = vapi[f];
            if (!JsonNode.DeepEquals(a, b)) result.Add(new DriftField(f, a?.DeepClone(), b?.DeepClone()));
        }
        return result;
    }

    /// <summary>The PATCH body that turns <paramref name="from"/> into <paramref name="to"/>: changed fields, and null for removed ones.</summary>
    public static JsonObject MergePatch(JsonObject from, JsonObject to)
    {
        var patch = new JsonObject();
        foreach (var d in Diff(from, to)) patch[d.Field] = d.Vapi?.DeepClone();
        return patch;
    }

    /// <summary>Applies a top-level merge patch the way Vapi's PATCH does: each field replaces, null removes.</summary>
    public static JsonObject ApplyPatch(JsonObject config, JsonObject patch)
    {
        var result = (JsonObject)config.DeepClone();
        foreach (var (k, v) in patch)
        {
            if (v is null) result.Remove(k);
            else result[k] = v.DeepClone();
        }
        return result;
    }
}
