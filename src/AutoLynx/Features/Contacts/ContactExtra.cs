using System.Text.Json;

namespace AutoLynx.Features.Contacts;

/// <summary>Reads a contact's extra columns (stored as JSON) by name, for the rules that look at one (time_zone, state, consent).</summary>
public static class ContactExtra
{
    /// <summary>
    /// The extra columns when the JSON mentions one of <paramref name="names"/> (a cheap check first: most rows have
    /// none of them); null otherwise, or when it cannot be read.
    /// </summary>
    public static Dictionary<string, string?>? ReadIfAny(string? extraJson, params string[] names)
    {
        if (string.IsNullOrEmpty(extraJson) || !names.Any(n => extraJson.Contains(n, StringComparison.Ordinal))) return null;
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string?>>(extraJson);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
