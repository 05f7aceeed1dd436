namespace AutoLynx.Features.Webhooks;

/// <summary>The event types an endpoint can subscribe to.</summary>
public static class WebhookEvents
{
    public const string All = "*";
    public const string CampaignStarted = "campaign.started";
    public const string CampaignPaused = "campaign.paused";
    public const string CampaignResumed = "campaign.resumed";
    public const string CampaignCompleted = "campaign.completed";
    public const string CampaignStopped = "campaign.stopped";
    public const string CallEnded = "call.ended";
    public const string ContactDncAdded = "contact.dnc_added";

    public static readonly string[] Types =
        [CampaignStarted, CampaignPaused, CampaignResumed, CampaignCompleted, CampaignStopped, CallEnded, ContactDncAdded];

    public static IReadOnlyList<string> Split(string events)
        => events.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Does a subscription (an endpoint's <see cref="WebhookEndpoint.Events"/>) include this event type?</summary>
    public static bool Includes(string events, string type) => events == All || Split(events).Contains(type);
}
