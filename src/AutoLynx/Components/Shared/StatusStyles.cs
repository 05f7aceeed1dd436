using AutoLynx.Features.Calls;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Contacts;
using AutoLynx.Wire;
using AutoLynx.Features.PhoneLines;
using MudBlazor;

namespace AutoLynx.Components.Shared;

/// <summary>How a state reads on screen: its words, its colour, a stable key (the chip's <c>data-status</c>) and what a
/// hover shows (e.g. Vapi's raw ended reason).</summary>
public readonly record struct StatusLook(string Label, Color Color, string Key, string? Hint = null);

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

    /// <summary>A call's status alone. An ended call is grey: whether it reached anyone is its outcome's colour.</summary>
    public static (string, Color) Call(CallStatus s) => s switch
    {
        CallStatus.Launching => ("Starting", Color.Default),
        CallStatus.Queued => ("Queued", Color.Default),
        CallStatus.Ringing => ("Ringing", Color.Info),
        CallStatus.InProgress => ("In call", Color.Info),
        CallStatus.Ended => ("Ended", Color.Default),
        CallStatus.Failed => ("Failed", Color.Error),
        CallStatus.Canceled => ("Cancelled", Color.Default),
        CallStatus.Timeout => ("Timed out", Color.Error),
        _ => (s.ToString(), Color.Default),
    };

    /// <summary>A contact's state alone (filters, sorting). On a page, show <see cref="ContactLook"/>: it says what happened.</summary>
    public static (string, Color) Contact(ContactState s) => s switch
    {
        ContactState.Pending => ("Waiting", Color.Default),
        ContactState.Dialing => ("Calling", Color.Info),
        ContactState.Completed => ("Done", Color.Success),
        ContactState.Failed => ("Failed", Color.Error),
        ContactState.Skipped => ("Not called", Color.Default),
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

    public static StatusLook Look(Enum? value, string? hint = null)
    {
        var (label, color) = Of(value);
        return new StatusLook(label, color, value switch
        {
            CallOutcome o => WireNames.Kind(o),
            CampaignStatus s => WireNames.State(s),
            CallStatus s => WireNames.State(s),
            ContactState s => WireNames.State(s),
            LineHealthStatus h => WireNames.Kind(h),
            _ => "none",
        }, hint);
    }

    /// <summary>
    /// What happened to a contact, in one chip: its state together with its last call's outcome, its live call, why it
    /// waits or was not called (<see cref="ContactView.Reason"/>) and its campaign. Completed + no answer reads
    /// "No answer" (amber), not a green "Done"; a contact whose live call is in progress reads "In call"; a contact
    /// skipped when the campaign was stopped reads "Not called: campaign stopped".
    /// </summary>
    public static StatusLook ContactLook(ContactView c, CampaignStatus campaign)
        => ContactLook(c.State, c.LastOutcome, c.LastEndedReason, c.LiveCallStatus, campaign, c.Attempts, c.Reason, c.NextAttemptAt);

    /// <param name="reason">Why the contact waits or was not called, as the engine recorded it.</param>
    /// <param name="nextAttemptAt">When a waiting contact is tried again (UTC); shown on hover.</param>
    public static StatusLook ContactLook(ContactState state, CallOutcome? lastOutcome, string? lastEndedReason, CallStatus? liveCall,
        CampaignStatus campaign, int attempts = 0, ContactReason? reason = null, DateTime? nextAttemptAt = null)
    {
        var next = nextAttemptAt is { } at ? $"next try {at.ToLocalTime():yyyy-MM-dd HH:mm}" : null;
        switch (state)
        {
            case ContactState.Dialing:
                return liveCall switch
                {
                    CallStatus.InProgress => new("In call", Color.Info, "in-call"),
                    CallStatus.Ringing => new("Ringing", Color.Info, "ringing"),
                    _ => new("Calling", Color.Info, "calling"),
                };
            case ContactState.Skipped when reason == ContactReason.CampaignStopped:
                return new("Not called: campaign stopped", Color.Default, "not-called-stopped", WireNames.Kind(reason.Value));
            // Stopped before the engine recorded a reason (contacts left pending by an older version).
            case ContactState.Pending or ContactState.Skipped when campaign == CampaignStatus.Stopped:
                return new("Not called: campaign stopped", Color.Default, "not-called-stopped");
            case ContactState.Skipped when reason is { } why and (ContactReason.DoNotCall or ContactReason.NoConsent or ContactReason.NeverInCallingHours or ContactReason.CampaignEnded):
                return new($"Not called: {NotCalled(why)}", Color.Default, "not-called-" + WireNames.Kind(why), WireNames.Kind(why));
            case ContactState.Skipped:
                return new("Not called", Color.Default, "not-called", reason is { } r ? WireNames.Kind(r) : null);
            case ContactState.Pending when reason is { } waitReason and not ContactReason.CampaignStopped:
                return new($"Waiting: {Waiting(waitReason)}", Color.Default, "waiting-" + WireNames.Kind(waitReason), Joined(next, WireNames.Kind(waitReason)));
            case ContactState.Pending when attempts > 0 && lastOutcome is { } previous:
                return new($"Waiting to retry ({Outcome(previous).Item1.ToLowerInvariant()})", Color.Default, "retry-waiting", Joined(next, lastEndedReason));
            case ContactState.Pending:
                return new("Waiting", Color.Default, "waiting", next);
            case ContactState.Completed or ContactState.Failed when lastOutcome is { } outcome:
                {
                    // The outcome's own colour: a call hung up when the campaign was stopped is not a failure.
                    var (label, color) = Outcome(outcome);
                    return new(label, color, WireNames.Kind(outcome), lastEndedReason);
                }
            case ContactState.Failed:
                return new("Failed", Color.Error, "failed", lastEndedReason);
            default:
                return new("Done", Color.Success, "done", lastEndedReason);
        }
    }

    private static string? Joined(params string?[] parts)
        => parts.Any(p => p is not null) ? string.Join(" · ", parts.Where(p => p is not null)) : null;

    /// <summary>Why a contact waits, in words (after "Waiting: ").</summary>
    public static string Waiting(ContactReason reason) => reason switch
    {
        ContactReason.AccountBusy => "account at its call limit",
        ContactReason.RateLimited => "Vapi asked to slow down",
        ContactReason.PlacementRetry => "call being placed again",
        ContactReason.CampaignPaused => "campaign paused",
        ContactReason.CampaignStopped => "campaign stopped",
        ContactReason.OutsideCallingHours => "outside calling hours",
        ContactReason.RetryScheduled => "retry scheduled",
        ContactReason.CallbackRequested => "callback requested",
        ContactReason.LiveElsewhere => "on a call in another campaign",
        ContactReason.DailyLimit => "daily call limit for the number",
        ContactReason.DoNotCall => "on the do-not-call list",
        _ => WireNames.Kind(reason),
    };

    /// <summary>Why a contact was left out on purpose, in words (after "Not called: ").</summary>
    public static string NotCalled(ContactReason reason) => reason switch
    {
        ContactReason.DoNotCall => "on the do-not-call list",
        ContactReason.NoConsent => "no consent",
        ContactReason.NeverInCallingHours => "never in calling hours",
        ContactReason.CampaignEnded => "campaign end time passed",
        ContactReason.CampaignStopped => "campaign stopped",
        _ => Waiting(reason),
    };

    /// <summary>A call in one chip: its outcome once known (raw ended reason on hover), else its status.</summary>
    public static StatusLook CallLook(CallStatus status, CallOutcome? outcome, string? endedReason)
        => outcome is { } o ? Look(o, endedReason) : Look(status, endedReason);

    /// <summary>Vapi's success evaluation (a string; "true"/"false" with the default pass/fail rubric) in words.</summary>
    public static StatusLook Success(string? evaluation) => evaluation?.Trim().ToLowerInvariant() switch
    {
        null or "" => new("Not evaluated", Color.Default, "unevaluated"),
        "true" or "pass" or "passed" => new("Goal met", Color.Success, "goal-met", evaluation),
        "false" or "fail" or "failed" => new("Goal not met", Color.Warning, "goal-not-met", evaluation),
        _ => new($"Evaluation: {evaluation}", Color.Default, "evaluated", evaluation),
    };
}
