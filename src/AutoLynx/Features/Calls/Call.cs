namespace AutoLynx.Features.Calls;

/// <summary>
/// One attempt to call one contact. Its status moves only through <see cref="AutoLynx.Features.Engine.EngineTransitions"/>,
/// by the rules of <see cref="AutoLynx.Features.Engine.CallStateMachine"/>.
/// </summary>
public sealed class Call
{
    public long Id { get; set; }
    public long CampaignId { get; set; }
    public long ContactId { get; set; }
    public int AttemptNumber { get; set; }
    public long PhoneLineId { get; set; }
    /// <summary>Made before the POST; echoed back by Vapi in assistantOverrides.metadata. Unique.</summary>
    public required string LaunchKey { get; set; }
    /// <summary>Vapi's call id, unique when set.</summary>
    public string? ProviderCallId { get; set; }
    /// <summary>A concurrency token: two writers that both saw the call live cannot both end it.</summary>
    public CallStatus Status { get; set; }
    /// <summary>What the call amounted to, once it ended (or the engine decided).</summary>
    public CallOutcome? Outcome { get; set; }
    public string? EndedReason { get; set; }
    /// <summary>Why we ended or held it ourselves (Vapi's 4xx message, timeout reason), in words.</summary>
    public string? ErrorMessage { get; set; }

    public DateTime CreatedAt { get; set; }
    /// <summary>When its one POST /call was sent, recorded when the answer was ambiguous (timeout, 5xx).</summary>
    public DateTime? PostedAt { get; set; }
    public DateTime? LaunchedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? EndedAt { get; set; }
    public DateTime? LastEventAt { get; set; }

    /// <summary>When the engine may next look this call up at the provider (LAUNCHING resolution, silent calls).</summary>
    public DateTime? LookupAfter { get; set; }
    /// <summary>Lookups in a row that failed (the provider could not be asked), for backoff and a bounded give-up.</summary>
    public int LookupFailures { get; set; }
    /// <summary>Vapi certainly created the call (it answered 2xx) but we could not read its id: never given back.</summary>
    public bool ProviderCreated { get; set; }

    public double? DurationSeconds { get; set; }
    public decimal? Cost { get; set; }
    public string? CostBreakdownJson { get; set; }
    public string? RecordingUrl { get; set; }
    public string? StereoRecordingUrl { get; set; }
    /// <summary>Plain-text transcript ("AI: …\nUser: …").</summary>
    public string? Transcript { get; set; }
    /// <summary>artifact.messages as JSON.</summary>
    public string? MessagesJson { get; set; }
    public string? Summary { get; set; }
    public string? SuccessEvaluation { get; set; }
    public string? StructuredDataJson { get; set; }
    public string? ControlUrl { get; set; }

    public static readonly CallStatus[] ActiveStatuses = [CallStatus.Launching, CallStatus.Queued, CallStatus.Ringing, CallStatus.InProgress];

    public static bool IsTerminal(CallStatus s) => s is CallStatus.Ended or CallStatus.Failed or CallStatus.Canceled or CallStatus.Timeout;

    public static bool IsActive(CallStatus s) => !IsTerminal(s);
}
