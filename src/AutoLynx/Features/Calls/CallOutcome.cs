using System.Text.Json.Serialization;
using AutoLynx.Wire;

namespace AutoLynx.Features.Calls;

/// <summary>
/// What one call amounted to, in the words a campaign cares about. Vapi's ~600 ended reasons map onto the first group
/// (<see cref="FromEndedReason"/>); the engine itself records the last four. On the wire: kebab-case (<c>no-answer</c>).
/// </summary>
[JsonConverter(typeof(KebabEnumConverter<CallOutcome>))]
public enum CallOutcome
{
    /// <summary>A person answered and talked.</summary>
    Talked,
    /// <summary>A person answered and the assistant transferred the call.</summary>
    Forwarded,
    NoAnswer,
    Busy,
    /// <summary>A machine answered (the assistant may have left a message).</summary>
    Voicemail,
    /// <summary>The carrier could not connect or refused the call (SIP 4xx/5xx, misdialled, rejected).</summary>
    FailedToConnect,
    /// <summary>An upstream provider (model, voice, transcriber) failed during the call.</summary>
    ProviderFault,
    /// <summary>Vapi itself failed during the call.</summary>
    VapiFault,
    /// <summary>Another error ended the call.</summary>
    Error,
    /// <summary>Vapi could not start the call (account, assistant or number problem).</summary>
    StartFailed,
    /// <summary>The call was cancelled (hung up by us, deleted while scheduled).</summary>
    Canceled,
    /// <summary>Vapi refused the call for the account's concurrency limit: the contact was given back.</summary>
    ConcurrencyLimited,
    /// <summary>Ended with a reason AutoLynx does not know.</summary>
    Unknown,
    /// <summary>Engine: Vapi certainly never created the call; the contact was given back and the attempt does not count.</summary>
    NotPlaced,
    /// <summary>Engine: Vapi refused this call's request (validation); retrying the same request cannot help.</summary>
    Rejected,
    /// <summary>Engine: nothing was heard of the call and Vapi could not say what happened.</summary>
    Timeout,
}
