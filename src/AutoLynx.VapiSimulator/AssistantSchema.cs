using System.Text.Json.Nodes;
using AutoLynx.VapiSimulator.Spec;

namespace AutoLynx.VapiSimulator;

/// <summary>Validation of assistant bodies (POST/PATCH /assistant) against Vapi's published schemas
/// (<c>CreateAssistantDTO</c>, <c>UpdateAssistantDTO</c>), plus the one check the spec cannot say: a server URL must be
/// an http(s) address. Transient assistants and overrides inside POST /call are checked with the call's schema.</summary>
internal static class AssistantSchema
{
    public static List<string> Validate(JsonObject body, bool create)
    {
        var errors = VapiSpec.Instance.ValidateRequest(create ? "CreateAssistantDTO" : "UpdateAssistantDTO", body).ToList();
        errors.AddRange(ServerUrlErrors(body, ""));
        return errors;
    }

    /// <summary>class-validator's <c>@IsUrl()</c> on <c>server.url</c>, which the spec writes as a plain string.</summary>
    public static IEnumerable<string> ServerUrlErrors(JsonObject assistant, string prefix)
    {
        if (assistant["server"] is JsonObject server && server["url"] is { } urlNode)
        {
            var url = urlNode.IsString() ? urlNode.GetValue<string>() : null;
            if (!(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                yield return $"{prefix}server.url must be a URL address";
            }
        }
    }
}
