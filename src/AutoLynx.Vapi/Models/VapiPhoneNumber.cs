using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoLynx.Vapi.Models;

/// <summary>Vapi's PhoneNumber (polymorphic on provider; the common fields are typed).</summary>
public sealed record VapiPhoneNumber
{
    public string Id { get; init; } = "";
    public string? OrgId { get; init; }
    public string? Provider { get; init; }
    public string? Number { get; init; }
    public string? Name { get; init; }
    /// <summary>active, activating, blocked.</summary>
    public string? Status { get; init; }
    public string? AssistantId { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; init; }
}
