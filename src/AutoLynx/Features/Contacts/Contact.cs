namespace AutoLynx.Features.Contacts;

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
    /// <summary>Outcome of the last call (Talked, NoAnswer…).</summary>
    public string? LastOutcome { get; set; }
    public string? LastEndedReason { get; set; }
    public DateTime UpdatedAt { get; set; }
}
