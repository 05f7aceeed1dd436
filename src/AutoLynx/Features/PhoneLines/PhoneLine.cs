namespace AutoLynx.Features.PhoneLines;

/// <summary>A caller-ID line at Vapi (a phone number resource).</summary>
public sealed class PhoneLine
{
    public long Id { get; set; }
    public required string ProviderPhoneNumberId { get; set; }
    /// <summary>E.164.</summary>
    public required string Number { get; set; }
    public required string Name { get; set; }
    public string? Provider { get; set; }
    public bool Active { get; set; } = true;
    /// <summary>How many calls this line may carry at once.</summary>
    public int MaxConcurrent { get; set; } = 10;
    /// <summary>At most this many calls a day (UTC) from this line, over every campaign; null = no cap.</summary>
    public int? DailyCap { get; set; }
    /// <summary>Vapi's status (active, activating, blocked) at the last check.</summary>
    public string? ProviderStatus { get; set; }
    public DateTime? LastCheckedAt { get; set; }
    public string? LastError { get; set; }
    /// <summary>Active calls the provider reported for this line at the last check.</summary>
    public int? ProviderActiveCalls { get; set; }
    public DateTime CreatedAt { get; set; }
}
