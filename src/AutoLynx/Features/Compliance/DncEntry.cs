namespace AutoLynx.Features.Compliance;

/// <summary>A number that must never be called.</summary>
public sealed class DncEntry
{
    public long Id { get; set; }
    /// <summary>E.164, unique.</summary>
    public required string Phone { get; set; }
    public string? Reason { get; set; }
    /// <summary>manual, import, opt-out…</summary>
    public string Source { get; set; } = "manual";
    public string? AddedBy { get; set; }
    public DateTime AddedAt { get; set; }
}
