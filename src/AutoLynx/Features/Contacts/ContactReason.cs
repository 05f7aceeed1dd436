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
}
