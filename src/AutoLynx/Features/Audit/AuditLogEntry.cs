namespace AutoLynx.Features.Audit;

/// <summary>Who did what: start/stop campaign, allowlist change, assistant change, settings. Append-only.</summary>
public sealed class AuditLogEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    /// <summary>User email, token name, or "system".</summary>
    public required string Actor { get; set; }
    /// <summary>Dotted action name, e.g. "campaign.start".</summary>
    public required string Action { get; set; }
    public string? EntityType { get; set; }
    public string? EntityId { get; set; }
    /// <summary>JSON with the details of the change (never secrets).</summary>
    public string? Details { get; set; }
}
