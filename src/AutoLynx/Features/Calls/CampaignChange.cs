using System.Text.Json.Serialization;
using AutoLynx.Features.Campaigns;
using AutoLynx.Wire;

namespace AutoLynx.Features.Calls;

/// <summary>
/// What changed: pages and SSE clients re-read what they show. <see cref="Status"/> is always a wire name (a campaign's
/// status for <see cref="ChangeKind.Status"/>, the call's for <see cref="ChangeKind.Call"/>), made by the factories below.
/// </summary>
public sealed record CampaignChange(long CampaignId, ChangeKind Kind, long? CallId = null, string? Status = null, DateTime? At = null)
{
    public static CampaignChange ForCall(long campaignId, long callId, CallStatus status, DateTime at)
        => new(campaignId, ChangeKind.Call, callId, WireNames.State(status), at);

    public static CampaignChange ForStatus(long campaignId, CampaignStatus status)
        => new(campaignId, ChangeKind.Status, Status: WireNames.State(status));
}
