using System.Diagnostics;
using AutoLynx.Hosting;

namespace AutoLynx.Features.Calls;

/// <summary>
/// One trace per webhook, across the gap the inbox makes: the intake request's W3C traceparent is stored with the row,
/// its apply (on arrival or later by the processor, maybe after a restart) is a child of that request, and each live
/// update the apply caused is published in a child of the apply.
/// </summary>
public static class WebhookTrace
{
    /// <summary>The traceparent of the span in progress (the webhook request), or null when nobody traces.</summary>
    public static string? Current() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } a ? a.Id : null;

    /// <summary>A span for applying one inbox row, parented by the request that stored it (none when tracing is off).</summary>
    public static Activity? StartApply(WebhookInboxItem row, string? messageType)
    {
        var parent = ActivityContext.TryParse(row.TraceParent, null, out var ctx) ? ctx : default;
        var activity = Telemetry.Source.StartActivity("webhook.apply", ActivityKind.Consumer, parent);
        activity?.SetTag("autolynx.inbox.id", row.Id);
        activity?.SetTag("vapi.message.type", messageType);
        activity?.SetTag("vapi.call.id", row.ProviderCallId);
        return activity;
    }

    /// <summary>A span around publishing one live update, inside the span that made the change (the apply, a request…).</summary>
    public static Activity? StartPublish(ActivityContext madeIn, CampaignChange change)
    {
        if (madeIn == default) return null;
        var activity = Telemetry.Source.StartActivity("live.publish", ActivityKind.Producer, madeIn);
        activity?.SetTag("autolynx.campaign.id", change.CampaignId);
        return activity;
    }
}
