namespace AutoLynx.Features.Contacts;

/// <summary>
/// One row of the uploaded CSV, to be called once (or up to the retry policy). Its state moves only through
/// <see cref="AutoLynx.Features.Engine.EngineTransitions"/>, by the rules of <see cref="AutoLynx.Features.Engine.ContactStateMachine"/>.
/// </summary>
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
    /// <summary>Dialled after the call is answered (Vapi's customer.extension, at most 10 characters), from "ext. 204" or "x204" in the phone cell.</summary>
    public string? Extension { get; set; }
    /// <summary>The file column the number came from ("Mobile Phone Number"), when the file had several phone columns or one.</summary>
    public string? PhoneSource { get; set; }
    /// <summary>Other columns, snake_case names → values, as JSON; sent to the assistant as variable values.</summary>
    public string? ExtraJson { get; set; }
    public int BatchIndex { get; set; }
    public ContactState State { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    /// <summary>Outcome of the last call.</summary>
    public AutoLynx.Features.Calls.CallOutcome? LastOutcome { get; set; }
    public string? LastEndedReason { get; set; }
    /// <summary>Why it waits (PENDING) or was not called (SKIPPED); null when there is nothing to say.</summary>
    public ContactReason? Reason { get; set; }
    /// <summary>Calls that Vapi never created after an ambiguous answer (proven absent by lookup); bounded by Dialer:MaxPlacementTries.</summary>
    public int LaunchFailures { get; set; }
    /// <summary>IANA zone of the number (<see cref="PhoneTimeZones.Primary"/>), null when unknown. Set at import.</summary>
    public string? TimeZone { get; set; }
    public DateTime UpdatedAt { get; set; }
}
