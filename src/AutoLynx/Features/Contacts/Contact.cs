namespace AutoLynx.Features.Contacts;

[System.Text.Json.Serialization.JsonConverter(typeof(AutoLynx.Wire.UpperSnakeEnumConverter<ContactState>))]
public enum ContactState
{
    /// <summary>Waiting to be dialled (first time or a retry).</summary>
    Pending,
    /// <summary>Has a live call (LAUNCHING … IN_PROGRESS).</summary>
    Dialing,
    /// <summary>Called; the call ended normally (talked, no answer, busy, voicemail…).</summary>
    Completed,
    /// <summary>Called; the call failed.</summary>
    Failed,
    /// <summary>Not called on purpose (do-not-call, outside window for good, campaign stopped).</summary>
    Skipped,
}

/// <summary>One row of the uploaded CSV, to be called once (or up to the retry policy).</summary>
public sealed class Contact
{
    public long Id { get; set; }
    public long CampaignId { get; set; }
    /// <summary>1-based data row number in the source file (header excluded).</summary>
    public int RowNumber { get; set; }
    public required string Name { get; set; }
    public required string BusinessName { get; set; }
    /// <summary>E.164.</summary>
    public required string Phone { get; set; }
    /// <summary>Other columns, snake_case names → values, as JSON; sent to the assistant as variable values.</summary>
    public string? ExtraJson { get; set; }
    public int BatchIndex { get; set; }
    public ContactState State { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    /// <summary>Outcome of the last call.</summary>
    public AutoLynx.Features.Calls.CallOutcome? LastOutcome { get; set; }
    public string? LastEndedReason { get; set; }
    /// <summary>IANA zone of the number (<see cref="PhoneTimeZones.Primary"/>), null when unknown. Set at import.</summary>
    public string? TimeZone { get; set; }
    public DateTime UpdatedAt { get; set; }
}
