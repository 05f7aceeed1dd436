namespace AutoLynx.Features.Calls;

[System.Text.Json.Serialization.JsonConverter(typeof(AutoLynx.Wire.UpperSnakeEnumConverter<CallStatus>))]
public enum CallStatus
{
    /// <summary>Our row exists, POST /call not answered yet.</summary>
    Launching,
    Queued,
    Ringing,
    InProgress,
    Ended,
    Failed,
    Canceled,
    Timeout,
}

/// <summary>One attempt to call one contact.</summary>
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
    public CallStatus Status { get; set; }
    /// <summary>What the call amounted to, once it ended (or the engine decided).</summary>
    public CallOutcome? Outcome { get; set; }
    public string? EndedReason { get; set; }
    /// <summary>Why we failed it ourselves (Vapi's 4xx message, timeout reason).</summary>
    public string? ErrorMessage { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime? LaunchedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? EndedAt { get; set; }
    public DateTime? LastEventAt { get; set; }

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

    /// <summary>Order used to keep status monotonic: a late or duplicate event never moves a call back.</summary>
    public static int Rank(CallStatus s) => s switch
    {
        CallStatus.Launching => 0,
        CallStatus.Queued => 1,
        CallStatus.Ringing => 2,
        CallStatus.InProgress => 3,
        _ => 4,
    };
}

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

/// <summary>A webhook body accepted (stored before the 2xx), applied asynchronously by the processor.</summary>
public sealed class WebhookInboxItem
{
    public long Id { get; set; }
    public DateTime ReceivedAt { get; set; }
    public required string Body { get; set; }
    public string? MessageType { get; set; }
    public string? ProviderCallId { get; set; }
    public DateTime? ProcessedAt { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    /// <summary>Why it was set aside (no matching call after retries, unreadable…).</summary>
    public string? Error { get; set; }
}

/// <summary>Lease row: the one instance that holds it runs the background work.</summary>
public sealed class Lease
{
    public required string Name { get; set; }
    public required string Owner { get; set; }
    public DateTime ExpiresAt { get; set; }
}
