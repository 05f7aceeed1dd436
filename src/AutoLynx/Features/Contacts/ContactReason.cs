using System.Text.Json.Serialization;
using AutoLynx.Wire;

namespace AutoLynx.Features.Contacts;

/// <summary>Why a contact waits or was not called. On the wire: kebab-case (<c>campaign-stopped</c>).</summary>
[JsonConverter(typeof(KebabEnumConverter<ContactReason>))]
public enum ContactReason
{
    /// <summary>Skipped: the campaign was stopped before this contact was called.</summary>
    CampaignStopped,
    /// <summary>Waiting: Vapi refused the call for the account's concurrency limit; it is tried again shortly.</summary>
    AccountBusy,
    /// <summary>Waiting: Vapi asked AutoLynx to slow down (429); tried again after its Retry-After.</summary>
    RateLimited,
    /// <summary>Waiting: the call could not be placed (Vapi never created it); tried again shortly.</summary>
    PlacementRetry,
    /// <summary>Waiting: the campaign was paused while this call was about to be placed.</summary>
    CampaignPaused,
    /// <summary>Skipped: the number is on the do-not-call list.</summary>
    DoNotCall,
    /// <summary>Skipped: the campaign calls only contacts with consent, and this one's consent column is empty.</summary>
    NoConsent,
    /// <summary>Waiting: outside its calling hours (the campaign's window and the law, in the contact's local time).</summary>
    OutsideCallingHours,
    /// <summary>Skipped: its calling hours never open (the campaign's window and its state's legal hours do not overlap).</summary>
    NeverInCallingHours,
    /// <summary>Waiting: the retry policy calls it again at next_attempt_at.</summary>
    RetryScheduled,
    /// <summary>Waiting: the person asked to be called back then.</summary>
    CallbackRequested,
    /// <summary>Waiting: the number has a live call in another campaign.</summary>
    LiveElsewhere,
    /// <summary>Waiting: the number has had the most calls allowed in 24 hours, over every campaign.</summary>
    DailyLimit,
    /// <summary>Skipped: the campaign's end time passed before it was reached.</summary>
    CampaignEnded,
}
