using System.Text.Json.Nodes;

namespace AutoLynx.Vapi.Models;

/// <summary>
/// Vapi's Assistant. Its configuration has dozens of nested, provider-specific fields that change often,
/// so the whole object is kept as JSON; the identifying fields are read from it.
/// </summary>
public sealed record VapiAssistant(JsonObject Json)
{
    public string Id => Json["id"]?.GetValue<string>() ?? "";
    public string? Name => Json["name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    public string? UpdatedAt => Json["updatedAt"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Server-owned fields; what remains is the configuration one can POST or PATCH back.</summary>
    public static readonly string[] ServerFields = ["id", "orgId", "createdAt", "updatedAt", "latestVersion", "isServerUrlSecretSet"];

    public JsonObject Config()
    {
        var copy = (JsonObject)Json.DeepClone();
        foreach (var f in ServerFields) copy.Remove(f);
        return copy;
    }
}
