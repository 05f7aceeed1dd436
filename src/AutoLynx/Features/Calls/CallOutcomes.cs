using AutoLynx.Vapi.Models;

namespace AutoLynx.Features.Calls;

/// <summary>How outcomes are read: from Vapi's ended reasons, and what they mean for a contact.</summary>
public static class CallOutcomes
{
    public static CallOutcome FromEndedReason(string? endedReason) => EndedReasons.Classify(endedReason) switch
    {
        CallOutcomeClass.Talked => CallOutcome.Talked,
        CallOutcomeClass.Forwarded => CallOutcome.Forwarded,
        CallOutcomeClass.NoAnswer => CallOutcome.NoAnswer,
        CallOutcomeClass.Busy => CallOutcome.Busy,
        CallOutcomeClass.Voicemail => CallOutcome.Voicemail,
        CallOutcomeClass.FailedToConnect => CallOutcome.FailedToConnect,
        CallOutcomeClass.ProviderFault => CallOutcome.ProviderFault,
        CallOutcomeClass.VapiFault => CallOutcome.VapiFault,
        CallOutcomeClass.Error => CallOutcome.Error,
        CallOutcomeClass.StartFailed => CallOutcome.StartFailed,
        CallOutcomeClass.Canceled => CallOutcome.Canceled,
        CallOutcomeClass.ConcurrencyLimited => CallOutcome.ConcurrencyLimited,
        _ => CallOutcome.Unknown,
    };

    /// <summary>A person picked up (talked or was transferred). Voicemail does not count, as in Vapi's own pick-up rate.</summary>
    public static bool IsConnected(CallOutcome o) => o is CallOutcome.Talked or CallOutcome.Forwarded;

    /// <summary>The call reached the person's phone and ended normally: the contact is done, whatever they said.</summary>
    public static bool IsCompletion(CallOutcome o) => o is CallOutcome.Talked or CallOutcome.Forwarded or CallOutcome.NoAnswer
        or CallOutcome.Busy or CallOutcome.Voicemail or CallOutcome.Unknown;
}
