namespace AutoLynx.Features.Calls;

/// <summary>Append-only audit of every webhook and every change the engine made itself.</summary>
public sealed class CallEvent
{
    public long Id { get; set; }
    public long? CallId { get; set; }
    public long? CampaignId { get; set; }
    /// <summary>Webhook type (status-update, end-of-call-report…) or engine action (launch, launch-failed, lookup, timeout…).</summary>
    public required string Type { get; set; }
    public string? Status { get; set; }
    public string? Payload { get; set; }
    public DateTime ReceivedAt { get; set; }
    /// <summary>Unique: the same webhook delivered twice is stored once.</summary>
    public required string DedupeKey { get; set; }
}
