using AutoLynx.Features.Calls;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Contacts;
using AutoLynx.Features.PhoneLines;
using MudBlazor;

namespace AutoLynx.Components.Shared;

/// <summary>
/// The one place that says how a state or an outcome looks: its words and its colour, the same on every page.
/// One meaning per colour: grey = waiting or nothing happened, blue = under way, green = a person was reached or the
/// work is done, amber = nobody reached or held, red = failed.
/// </summary>
public static class StatusStyles
{
    public static (string Label, Color Color) Of(Enum? value) => value switch
    {
        CampaignStatus s => Campaign(s),
        CallStatus s => Call(s),
        ContactState s => Contact(s),
        CallOutcome o => Outcome(o),
        LineHealthStatus h => LineHealth(h),
        null => ("—", Color.Default),
        _ => (value.ToString(), Color.Default),
    };

    public static (string, Color) Campaign(CampaignStatus s) => s switch
    {
        CampaignStatus.Created => ("Created", Color.Default),
        CampaignStatus.Queued => ("Queued", Color.Default),
        CampaignStatus.Dialing => ("Dialing", Color.Info),
        CampaignStatus.Running => ("Running", Color.Info),
        CampaignStatus.Paused => ("Paused", Color.Warning),
        CampaignStatus.Stopped => ("Stopped", Color.Dark),
        CampaignStatus.Completed => ("Completed", Color.Success),
        _ => (s.ToString(), Color.Default),
    };

    public static (string, Color) Call(CallStatus s) => s switch
    {
        CallStatus.Launching => ("Starting", Color.Default),
        CallStatus.Queued => ("Queued", Color.Default),
        CallStatus.Ringing => ("Ringing", Color.Info),
        CallStatus.InProgress => ("In call", Color.Info),
        CallStatus.Ended => ("Ended", Color.Success),
        CallStatus.Failed => ("Failed", Color.Error),
        CallStatus.Canceled => ("Cancelled", Color.Default),
        CallStatus.Timeout => ("Timed out", Color.Error),
        _ => (s.ToString(), Color.Default),
    };

    public static (string, Color) Contact(ContactState s) => s switch
    {
        ContactState.Pending => ("Waiting", Color.Default),
        ContactState.Dialing => ("Calling", Color.Info),
        ContactState.Completed => ("Done", Color.Success),
        ContactState.Failed => ("Failed", Color.Error),
        ContactState.Skipped => ("Not called", Color.Warning),
        _ => (s.ToString(), Color.Default),
    };

    public static (string, Color) LineHealth(LineHealthStatus h) => h switch
    {
        LineHealthStatus.Healthy => ("Healthy", Color.Success),
        LineHealthStatus.Degraded => ("Degraded", Color.Warning),
        LineHealthStatus.Failing => ("Failing", Color.Error),
        _ => (h.ToString(), Color.Default),
    };

    public static (string, Color) Outcome(CallOutcome o) => o switch
    {
        CallOutcome.Talked => ("Talked", Color.Success),
        CallOutcome.Forwarded => ("Transferred", Color.Success),
        CallOutcome.NoAnswer => ("No answer", Color.Warning),
        CallOutcome.Busy => ("Busy", Color.Warning),
        CallOutcome.Voicemail => ("Voicemail", Color.Warning),
        CallOutcome.FailedToConnect => ("Failed: carrier refused", Color.Error),
        CallOutcome.ProviderFault => ("Failed: provider error", Color.Error),
        CallOutcome.VapiFault => ("Failed: Vapi error", Color.Error),
        CallOutcome.Error => ("Failed", Color.Error),
        CallOutcome.StartFailed => ("Failed to start", Color.Error),
        CallOutcome.Canceled => ("Cancelled", Color.Default),
        CallOutcome.ConcurrencyLimited => ("Not placed: account at its limit", Color.Default),
        CallOutcome.Unknown => ("Ended", Color.Default),
        CallOutcome.NotPlaced => ("Not placed", Color.Default),
        CallOutcome.Rejected => ("Rejected by Vapi", Color.Error),
        CallOutcome.Timeout => ("No answer from Vapi", Color.Error),
        _ => (o.ToString(), Color.Default),
    };
}
