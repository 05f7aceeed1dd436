namespace AutoLynx.Vapi.Models;

/// <summary>Known values of Call.status. Vapi adds values; treat unknown ones as "no information".</summary>
public static class VapiCallStatus
{
    public const string Scheduled = "scheduled";
    public const string Queued = "queued";
    public const string Ringing = "ringing";
    public const string InProgress = "in-progress";
    public const string Forwarding = "forwarding";
    public const string Ended = "ended";
}

/// <summary>What an ended call amounts to for a campaign.</summary>
public enum CallOutcomeClass
{
    Unknown = 0,
    /// <summary>A person answered and the conversation ended (either side hung up, silence, max duration).</summary>
    Talked,
    /// <summary>A person answered and the assistant transferred the call.</summary>
    Forwarded,
    NoAnswer,
    Busy,
    Voicemail,
    FailedToConnect,
    Canceled,
    /// <summary>The call never started at the provider because of an account/assistant/setup problem.</summary>
    StartFailed,
    /// <summary>An upstream provider (LLM, voice, transcriber) failed during the call.</summary>
    ProviderFault,
    /// <summary>Vapi itself failed during the call (its worker died, its transport broke).</summary>
    VapiFault,
    /// <summary>Some other error ended the call.</summary>
    Error,
    /// <summary>The account's concurrency limit refused the call: not the contact's fault, dial again later.</summary>
    ConcurrencyLimited,
}

/// <summary>Maps Vapi's ~600 ended reasons onto the few outcomes a campaign cares about (vapi-contract.md §3).</summary>
public static class EndedReasons
{
    public const string ConcurrencyLimitReached = "call.start.error-subscription-concurrency-limit-reached";
    public const string CustomerDidNotAnswer = "customer-did-not-answer";
    public const string CustomerBusy = "customer-busy";
    public const string Voicemail = "voicemail";
    public const string ManuallyCanceled = "manually-canceled";
    public const string AssistantForwardedCall = "assistant-forwarded-call";

    private static readonly HashSet<string> Talked = new(StringComparer.Ordinal)
    {
        "customer-ended-call", "assistant-ended-call", "assistant-said-end-call-phrase",
        "assistant-ended-call-after-message-spoken", "assistant-ended-call-with-hangup-task",
        "silence-timed-out", "exceeded-max-duration",
        "customer-ended-call-before-warm-transfer", "customer-ended-call-after-warm-transfer-attempt",
        "customer-ended-call-during-transfer", "call.in-progress.twilio-completed-call",
        "call.in-progress.sip-completed-call", "vonage-completed",
    };

    private static readonly HashSet<string> FailedToConnect = new(StringComparer.Ordinal)
    {
        "twilio-failed-to-connect-call", "twilio-reported-customer-misdialed", "vonage-rejected",
        "vonage-failed-to-connect-call", "vonage-disconnected",
        "call.in-progress.error-sip-outbound-call-failed-to-connect",
        "call.in-progress.error-providerfault-transport-never-connected",
    };

    private static readonly HashSet<string> Canceled = new(StringComparer.Ordinal)
    {
        ManuallyCanceled, "scheduled-call-deleted", "call-deleted",
    };

    public static CallOutcomeClass Classify(string? endedReason)
    {
        if (string.IsNullOrEmpty(endedReason)) return CallOutcomeClass.Unknown;
        var r = endedReason;
        if (r == ConcurrencyLimitReached) return CallOutcomeClass.ConcurrencyLimited;
        if (r == CustomerDidNotAnswer) return CallOutcomeClass.NoAnswer;
        if (r == CustomerBusy) return CallOutcomeClass.Busy;
        if (r == Voicemail) return CallOutcomeClass.Voicemail;
        if (Talked.Contains(r)) return CallOutcomeClass.Talked;
        if (r == AssistantForwardedCall) return CallOutcomeClass.Forwarded;
        if (FailedToConnect.Contains(r) || r.StartsWith("call.in-progress.error-providerfault-outbound-sip-", StringComparison.Ordinal))
            return CallOutcomeClass.FailedToConnect;
        if (Canceled.Contains(r)) return CallOutcomeClass.Canceled;
        if (r.StartsWith("call.start.", StringComparison.Ordinal) || r.StartsWith("assistant-not-", StringComparison.Ordinal)
            || r.StartsWith("assistant-request-", StringComparison.Ordinal) || r == "call-start-error-neither-assistant-nor-server-set")
            return CallOutcomeClass.StartFailed;
        if (r.StartsWith("call.in-progress.error-vapifault-", StringComparison.Ordinal) || r == "worker-shutdown")
            return CallOutcomeClass.VapiFault;
        if (r.StartsWith("call.in-progress.error-providerfault-", StringComparison.Ordinal) || r.StartsWith("pipeline-error-", StringComparison.Ordinal))
            return CallOutcomeClass.ProviderFault;
        if (r.Contains("error", StringComparison.Ordinal) || r.Contains("fault", StringComparison.Ordinal)
            || r.StartsWith("pipeline-", StringComparison.Ordinal) || r.Contains("failed", StringComparison.Ordinal))
            return CallOutcomeClass.Error;
        return CallOutcomeClass.Unknown;
    }

    /// <summary>True when the ended reason means the call failed (an error class) rather than ended normally.</summary>
    public static bool IsFailure(string? endedReason) => Classify(endedReason) is CallOutcomeClass.StartFailed or CallOutcomeClass.Error or CallOutcomeClass.FailedToConnect
        or CallOutcomeClass.ProviderFault or CallOutcomeClass.VapiFault;
}
