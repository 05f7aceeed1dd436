using AutoLynx.Features.Calls;

namespace AutoLynx.Features.Engine;

/// <summary>
/// The allowed moves of a call, in one place. Pure, so the rules are tested on their own; <see cref="EngineTransitions"/>
/// consults it for every change, whoever asks (launcher, resolver, webhook applier, reconciler).
/// <code>
/// LAUNCHING → QUEUED | RINGING | IN_PROGRESS     accepted (201, lookup) or the provider's first webhook
/// LAUNCHING → CANCELED (not placed)               Vapi certainly never created it
/// LAUNCHING → FAILED (rejected)                   Vapi refused the request (validation)
/// LAUNCHING → TIMEOUT                             Vapi could not be asked whether it exists, for too long
/// QUEUED → RINGING → IN_PROGRESS                  forward only: a late or duplicate event never moves a call back
/// live → ENDED | FAILED | CANCELED                the provider says it ended
/// live → TIMEOUT                                  silent, and the provider could not say what happened
/// ENDED ↔ FAILED ↔ CANCELED                       the end-of-call report corrects the first end event
/// TIMEOUT, CANCELED (not placed) → anything but LAUNCHING   the provider's word replaces our guess
/// </code>
/// </summary>
public static class CallStateMachine
{
    /// <summary>Who is moving the call: the provider's word (webhook or lookup), or the engine's own decision.</summary>
    public enum By { Provider, Engine }

    public static bool CanMove(CallStatus from, CallOutcome? fromOutcome, CallStatus to, By by)
    {
        if (from == to || to == CallStatus.Launching) return false;
        if (by == By.Engine)
            // The engine decides only about calls it has no word on: not placed / rejected before Vapi answered, timeouts.
            return (from, to) switch
            {
                (CallStatus.Launching, CallStatus.Canceled or CallStatus.Failed or CallStatus.Timeout) => true,
                (CallStatus.Queued or CallStatus.Ringing or CallStatus.InProgress, CallStatus.Timeout) => true,
                _ => false,
            };
        if (Call.IsActive(from)) return !Call.IsActive(to) || Rank(to) > Rank(from);
        if (IsGuess(from, fromOutcome)) return true;
        // Between provider-reported ends: the final report may correct the first status-update.
        return from is CallStatus.Ended or CallStatus.Failed or CallStatus.Canceled && to is CallStatus.Ended or CallStatus.Failed or CallStatus.Canceled;
    }

    /// <summary>A terminal state that was the engine's guess, not the provider's word: TIMEOUT, or not placed.</summary>
    public static bool IsGuess(CallStatus status, CallOutcome? outcome)
        => status == CallStatus.Timeout || (status == CallStatus.Canceled && outcome == CallOutcome.NotPlaced);

    /// <summary>Order of the live states (terminal states rank above all of them).</summary>
    public static int Rank(CallStatus s) => s switch
    {
        CallStatus.Launching => 0,
        CallStatus.Queued => 1,
        CallStatus.Ringing => 2,
        CallStatus.InProgress => 3,
        _ => 4,
    };
}
