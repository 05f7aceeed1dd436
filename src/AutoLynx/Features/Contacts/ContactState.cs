using System.Text.Json.Serialization;
using AutoLynx.Wire;

namespace AutoLynx.Features.Contacts;

/// <summary>A contact's state; the allowed moves are in <see cref="AutoLynx.Features.Engine.ContactStateMachine"/>.</summary>
[JsonConverter(typeof(UpperSnakeEnumConverter<ContactState>))]
public enum ContactState
{
    /// <summary>Waiting to be dialled (first time, given back, or a retry at next_attempt_at).</summary>
    Pending,
    /// <summary>Has a live call (LAUNCHING … IN_PROGRESS).</summary>
    Dialing,
    /// <summary>Called; the call reached the phone and ended (talked, no answer, busy, voicemail…).</summary>
    Completed,
    /// <summary>Called; the call failed, or it cannot be known whether it rang.</summary>
    Failed,
    /// <summary>Not called on purpose; <see cref="Contact.Reason"/> says why (campaign stopped…).</summary>
    Skipped,
}
