using System.Text.Json.Nodes;

namespace AutoLynx.Vapi.Models;

/// <summary>Body of POST /call for one outbound phone call (vapi-contract.md §2). Vapi rejects unknown properties.</summary>
public sealed record CreateCallRequest
{
    public string? AssistantId { get; init; }
    public JsonObject? Assistant { get; init; }
    /// <summary>Any assistant field plus <c>variableValues</c> and <c>metadata</c>; echoed back in the Call and every webhook.</summary>
    public JsonObject? AssistantOverrides { get; init; }
    public string? PhoneNumberId { get; init; }
    public VapiCustomer? Customer { get; init; }
    /// <summary>≤ 40 characters.</summary>
    public string? Name { get; init; }
}

/// <summary>Filters of GET /call (all optional).</summary>
public sealed record ListCallsQuery
{
    public string? Id { get; init; }
    public string? AssistantId { get; init; }
    public string? PhoneNumberId { get; init; }
    public int? Limit { get; init; }
    public DateTimeOffset? CreatedAtGt { get; init; }
    public DateTimeOffset? CreatedAtLt { get; init; }
    public DateTimeOffset? CreatedAtGe { get; init; }
    public DateTimeOffset? CreatedAtLe { get; init; }
    public DateTimeOffset? UpdatedAtGt { get; init; }
    public DateTimeOffset? UpdatedAtLt { get; init; }
    public DateTimeOffset? UpdatedAtGe { get; init; }
    public DateTimeOffset? UpdatedAtLe { get; init; }
}
