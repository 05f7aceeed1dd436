using System.Globalization;
using System.Text.Json.Nodes;

namespace AutoLynx.Features.Compliance;

/// <summary>
/// What the assistant's structured data (end-of-call report, <c>analysis.structuredData</c>) says about the contact's next
/// step: <c>doNotCall: true</c> (an opt-out said during the call) and <c>callbackAt</c> (the person asked to be called then).
/// Lenient: Vapi's analysis is a model's output ("true", "yes", a date without a zone read as UTC).
/// </summary>
public sealed record CallAnalysis(bool DoNotCall, DateTime? CallbackAt)
{
    public static readonly CallAnalysis None = new(false, null);

    public static CallAnalysis Read(string? structuredData)
    {
        if (string.IsNullOrWhiteSpace(structuredData)) return None;
        JsonObject? data;
        try { data = JsonNode.Parse(structuredData) as JsonObject; }
        catch (System.Text.Json.JsonException) { return None; }
        if (data is null) return None;
        var dnc = data["doNotCall"] switch
        {
            JsonValue v when v.TryGetValue<bool>(out var b) => b,
            JsonValue v when v.TryGetValue<string>(out var s) => s.Trim().ToLowerInvariant() is "true" or "yes" or "1",
            _ => false,
        };
        DateTime? callback = data["callbackAt"] is JsonValue cv && cv.TryGetValue<string>(out var text)
                             && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.UtcDateTime : null;
        return new CallAnalysis(dnc, callback);
    }
}
