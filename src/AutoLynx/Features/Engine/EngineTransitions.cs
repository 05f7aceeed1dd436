using System.Text.Json;
using AutoLynx.Data;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Compliance;
using AutoLynx.Features.Contacts;
using AutoLynx.Features.Webhooks;
using AutoLynx.Hosting;
using AutoLynx.Vapi;
using AutoLynx.Vapi.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Engine;

/// <summary>
/// The one owner of call and contact state: every path that moves a call or a contact (claim, launch, lookup,
/// webhook, reconciler, Stop) calls a method here, inside its own transaction. Each method checks the move against
/// <see cref="CallStateMachine"/> / <see cref="ContactStateMachine"/> (set-based updates carry the allowed "from" states
/// in their WHERE clause, so a move another writer made first is never made twice), writes the call event, and records
/// the after-commit effects (<see cref="EngineEffects"/>) the same way for every terminal transition.
/// </summary>
public sealed class EngineTransitions(AppDbContext db, EngineEffects effects, TimeProvider time, IOptionsMonitor<DialerOptions> options,
    ComplianceDefaults compliance, DncService dnc, VapiConnection connection, OutboxWriter outbox, ILogger<EngineTransitions> logger)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;
    private static readonly CallStatus[] Active = Call.ActiveStatuses;

    // ---------------------------------------------------------------- claim

    /// <summary>Write-ahead: due contacts → DIALING and one LAUNCHING call row each (on its line), if the campaign is still dialable.</summary>
    public Task<List<CallClaims.Claimed>> ClaimAsync(long campaignId, IReadOnlyList<(DueContact Contact, long LineId)> picks, DateTime now, CancellationToken ct)
        => CallClaims.WriteAsync(db, campaignId, picks, ContactStateMachine.From(ContactStateMachine.Move.Claim), Campaign.Dialable, now, ct);

    // ---------------------------------------------------------------- the engine's decisions about a LAUNCHING call

    /// <summary>
    /// Vapi certainly never created the call: CANCELED (not placed), the contact back to PENDING at
    /// <paramref name="retryAt"/> (the attempt does not count). When <paramref name="placementFailure"/> (an ambiguous
    /// answer proven absent), the contact's failures count; past Dialer:MaxPlacementTries it fails instead.
    /// </summary>
    public async Task<bool> NotPlacedAsync(long callId, string reason, ContactReason waitReason, DateTime? retryAt, bool placementFailure, CancellationToken ct)
    {
        var now = Now;
        var row = await RowAsync(callId, ct);
        if (row is null || row.Status != CallStatus.Launching || row.ProviderCallId is not null
            || !CallStateMachine.CanMove(row.Status, row.Outcome, CallStatus.Canceled, CallStateMachine.By.Engine)) return false;
        var n = await db.Calls.Where(c => c.Id == callId && c.Status == CallStatus.Launching && c.ProviderCallId == null && !c.ProviderCreated)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CallStatus.Canceled).SetProperty(c => c.Outcome, CallOutcome.NotPlaced)
                .SetProperty(c => c.ErrorMessage, Truncate(reason)).SetProperty(c => c.EndedAt, now).SetProperty(c => c.LastEventAt, now)
                .SetProperty(c => c.LookupAfter, (DateTime?)null), ct);
        if (n == 0) return false;
        effects.Released(row.CampaignId, row.PhoneLineId, callId, CallStatus.Canceled, now);
        await AppendEventAsync(callId, row.CampaignId, "not-placed", CallStatus.Canceled, reason, $"not-placed:{callId}", ct);

        // The attempt does not count; the contact waits for its next try unless another call of it is live.
        await db.Contacts.Where(c => c.Id == row.ContactId && c.Attempts > 0).ExecuteUpdateAsync(s => s.SetProperty(c => c.Attempts, c => c.Attempts - 1), ct);
        var failures = await db.Contacts.Where(c => c.Id == row.ContactId).Select(c => c.LaunchFailures).FirstAsync(ct) + (placementFailure ? 1 : 0);
        var giveBack = ContactStateMachine.From(ContactStateMachine.Move.GiveBack);
        var contact = db.Contacts.Where(c => c.Id == row.ContactId && giveBack.Contains(c.State)
                                             && !db.Calls.Any(o => o.ContactId == c.Id && o.Id != callId && Active.Contains(o.Status)));
        if (placementFailure && failures >= options.CurrentValue.MaxPlacementTries)
        {
            var why = $"Vapi could not place the call after {failures} tries: {reason}";
            await contact.ExecuteUpdateAsync(s => s.SetProperty(c => c.State, ContactState.Failed).SetProperty(c => c.LaunchFailures, failures)
                .SetProperty(c => c.LastOutcome, CallOutcome.NotPlaced).SetProperty(c => c.LastEndedReason, Truncate(why))
                .SetProperty(c => c.Reason, (ContactReason?)null).SetProperty(c => c.UpdatedAt, now), ct);
            logger.LogWarning("Contact {ContactId} failed: {Why}", row.ContactId, why);
        }
        else
        {
            await contact.ExecuteUpdateAsync(s => s.SetProperty(c => c.State, ContactState.Pending).SetProperty(c => c.NextAttemptAt, retryAt)
                .SetProperty(c => c.Reason, waitReason).SetProperty(c => c.LaunchFailures, failures).SetProperty(c => c.UpdatedAt, now), ct);
        }
        return true;
    }

    /// <summary>Vapi refused the request itself (validation): FAILED (rejected), the contact fails with Vapi's words.</summary>
    public async Task<bool> RejectedAsync(long callId, string reason, CancellationToken ct)
    {
        var now = Now;
        var row = await RowAsync(callId, ct);
        if (row is null || !CallStateMachine.CanMove(row.Status, row.Outcome, CallStatus.Failed, CallStateMachine.By.Engine)) return false;
        var n = await db.Calls.Where(c => c.Id == callId && c.Status == CallStatus.Launching && c.ProviderCallId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CallStatus.Failed).SetProperty(c => c.Outcome, CallOutcome.Rejected)
                .SetProperty(c => c.ErrorMessage, Truncate(reason)).SetProperty(c => c.EndedAt, now).SetProperty(c => c.LastEventAt, now), ct);
        if (n == 0) return false;
        effects.Released(row.CampaignId, row.PhoneLineId, callId, CallStatus.Failed, now);
        await AppendEventAsync(callId, row.CampaignId, "launch-rejected", CallStatus.Failed, reason, $"rejected:{callId}", ct);
        await SettleContactAsync(row.ContactId, callId, CallOutcome.Rejected, reason, recount: false, now, ct);
        await CallEndedAsync(callId, ct);
        return true;
    }

    /// <summary>Nothing heard and the provider could not say (LAUNCHING or live): TIMEOUT; the contact fails (it may have rung).</summary>
    public async Task<bool> TimedOutAsync(long callId, string reason, CancellationToken ct)
    {
        var now = Now;
        var row = await RowAsync(callId, ct);
        if (row is null || !CallStateMachine.CanMove(row.Status, row.Outcome, CallStatus.Timeout, CallStateMachine.By.Engine)) return false;
        var n = await db.Calls.Where(c => c.Id == callId && Active.Contains(c.Status))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CallStatus.Timeout).SetProperty(c => c.Outcome, CallOutcome.Timeout)
                .SetProperty(c => c.ErrorMessage, Truncate(reason)).SetProperty(c => c.EndedAt, now).SetProperty(c => c.LookupAfter, (DateTime?)null), ct);
        if (n == 0) return false;
        effects.Released(row.CampaignId, row.PhoneLineId, callId, CallStatus.Timeout, now);
        await AppendEventAsync(callId, row.CampaignId, "timeout", CallStatus.Timeout, reason, $"timeout:{callId}", ct);
        await SettleContactAsync(row.ContactId, callId, CallOutcome.Timeout, reason, recount: false, now, ct);
        await CallEndedAsync(callId, ct);
        logger.LogWarning("Call {CallId} timed out: {Reason}", callId, reason);
        return true;
    }

    /// <summary>The POST's answer was ambiguous (timeout, 5xx): the row stays LAUNCHING, holding its slot, until a lookup decides.</summary>
    public async Task LaunchUncertainAsync(long callId, long campaignId, DateTime postedAt, DateTime lookupAfter, string why, CancellationToken ct)
    {
        await db.Calls.Where(c => c.Id == callId && c.Status == CallStatus.Launching)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.PostedAt, postedAt).SetProperty(c => c.LookupAfter, lookupAfter), ct);
        await AppendEventAsync(callId, campaignId, "launch-uncertain", CallStatus.Launching, why, $"launch-uncertain:{callId}", ct);
    }

    /// <summary>Vapi answered 2xx but the body could not be read: the call exists; look it up until found, never give it back.</summary>
    public async Task ProviderCreatedAsync(long callId, long campaignId, DateTime postedAt, string why, CancellationToken ct)
    {
        var now = Now;
        await db.Calls.Where(c => c.Id == callId && c.Status == CallStatus.Launching)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.PostedAt, postedAt).SetProperty(c => c.ProviderCreated, true).SetProperty(c => c.LookupAfter, now), ct);
        await AppendEventAsync(callId, campaignId, "launch-unreadable", CallStatus.Launching, why, $"launch-unreadable:{callId}", ct);
    }

    /// <summary>The next lookup of this call is due at <paramref name="after"/>; a failed lookup is counted (backoff, bounded give-up).</summary>
    public Task LookUpLaterAsync(long callId, DateTime after, bool failed, CancellationToken ct)
        => failed
            ? db.Calls.Where(c => c.Id == callId).ExecuteUpdateAsync(s => s.SetProperty(c => c.LookupAfter, after).SetProperty(c => c.LookupFailures, c => c.LookupFailures + 1), ct)
            : db.Calls.Where(c => c.Id == callId).ExecuteUpdateAsync(s => s.SetProperty(c => c.LookupAfter, after).SetProperty(c => c.LookupFailures, 0), ct);

    // ---------------------------------------------------------------- the provider's word

    /// <summary>
    /// Vapi has the call (its 201, or a lookup found it): the provider id is saved and the call takes the provider's
    /// status. A row we had given up on (not placed, timeout) becomes live again: it is recorded and counted, never
    /// ignored. Returns the call, or null when this row already belongs to another provider call.
    /// </summary>
    public async Task<Call?> AcceptedAsync(long callId, VapiCall call, string how, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var row = await db.Calls.FirstAsync(c => c.Id == callId, ct);
            if (row.ProviderCallId is { } existing && existing != call.Id)
            {
                // One POST per row makes this impossible; if Vapi ever says otherwise, keep both on record and look.
                logger.LogError("Call {CallId} is {Existing} at Vapi, but Vapi also reports {Other} for it", callId, existing, call.Id);
                await AppendEventAsync(callId, row.CampaignId, "second-provider-call", row.Status, $"{how}: Vapi reports {call.Id} as well as {existing}",
                    $"second-provider-call:{callId}:{call.Id}", ct);
                await db.SaveChangesAsync(ct);
                return null;
            }
            var now = Now;
            row.ProviderCallId ??= call.Id;
            row.LaunchedAt ??= now;
            row.ControlUrl ??= ControlUrlPolicy.TrustedOrNull(call.Monitor?.ControlUrl, connection.BaseUrl);
            row.LookupAfter = null;
            var target = ProviderStatus(call.Status, call.EndedReason) ?? CallStatus.Queued;
            if (Call.IsTerminal(target)) row.EndedReason ??= call.EndedReason;
            await MoveByProviderAsync(row, target, ct);
            db.CallEvents.Add(Event(callId, row.CampaignId, how, row.Status,
                JsonSerializer.Serialize(new { providerCallId = call.Id, status = call.Status }), $"{how}:{callId}:{call.Id}"));
            try
            {
                await db.SaveChangesAsync(ct);
                return row;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // A webhook for the same call moved it meanwhile: read it again and apply on top.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// The provider says <paramref name="target"/> for a call this context tracks (a webhook, a lookup, a 201): moves it if
    /// the state machine allows, and settles, releases or revives as the move requires. The caller saves.
    /// </summary>
    public async Task<bool> MoveByProviderAsync(Call call, CallStatus target, CancellationToken ct)
    {
        var from = call.Status;
        var fromOutcome = call.Outcome;
        if (!CallStateMachine.CanMove(from, fromOutcome, target, CallStateMachine.By.Provider)) return false;
        var now = Now;
        var wasActive = Call.IsActive(from);
        var guess = CallStateMachine.IsGuess(from, fromOutcome);
        call.Status = target;
        call.LastEventAt = now;
        if (Call.IsActive(target))
        {
            if (!wasActive)
            {
                // We had given up on it; the provider says it is live. It counts again, and so does its contact.
                call.Outcome = null;
                call.EndedAt = null;
                call.ErrorMessage = $"Vapi reported this call live after AutoLynx had recorded it as {WireNames(from, fromOutcome)}.";
                effects.Activated(call.CampaignId, call.PhoneLineId, call.Id, target, now);
                await ReviveContactAsync(call.ContactId, recount: fromOutcome == CallOutcome.NotPlaced, now, ct);
                logger.LogWarning("Call {CallId} is live at Vapi after being recorded {From}; counted live again", call.Id, from);
            }
            else effects.Changed(call.CampaignId, call.Id, target, now);
            return true;
        }

        var outcome = CallOutcomes.FromEndedReason(call.EndedReason);
        call.Outcome = outcome;
        call.EndedAt ??= now;
        call.LookupAfter = null;
        if (wasActive) effects.Released(call.CampaignId, call.PhoneLineId, call.Id, target, now);
        else effects.Changed(call.CampaignId, call.Id, target, now);
        // A correction of an earlier end counts for the contact only if this is its latest call.
        if (wasActive || guess || !await db.Calls.AnyAsync(o => o.ContactId == call.ContactId && o.Id > call.Id, ct))
            await SettleContactAsync(call.ContactId, call.Id, outcome, call.EndedReason, recount: guess && fromOutcome == CallOutcome.NotPlaced, now, ct,
                call.StructuredDataJson);
        return true;
    }

    /// <summary>
    /// An end-of-call report that did not move the status: the outcome follows the report's ended reason (the final
    /// word), the contact with it when this is its latest call, and pages show the new details either way.
    /// </summary>
    public async Task ReportedAsync(Call call, CancellationToken ct)
    {
        var now = Now;
        effects.Changed(call.CampaignId, call.Id, call.Status, now);
        if (!Call.IsTerminal(call.Status) || CallStateMachine.IsGuess(call.Status, call.Outcome)) return;
        var outcome = call.EndedReason is null ? call.Outcome ?? CallOutcome.Unknown : CallOutcomes.FromEndedReason(call.EndedReason);
        call.Outcome = outcome;
        // The report carries the analysis (an opt-out, a callback): the contact's next step is decided again with it.
        if (!await db.Calls.AnyAsync(o => o.ContactId == call.ContactId && o.Id > call.Id, ct))
            await SettleContactAsync(call.ContactId, call.Id, outcome, call.EndedReason, recount: false, now, ct, call.StructuredDataJson);
        effects.Reported(call.CampaignId);
    }

    /// <summary>Vapi status → ours: scheduled/queued → QUEUED, ringing → RINGING, in-progress/forwarding → IN_PROGRESS, ended → ENDED, FAILED or CANCELED by ended reason.</summary>
    public static CallStatus? ProviderStatus(string? status, string? endedReason) => status switch
    {
        VapiCallStatus.Scheduled or VapiCallStatus.Queued => CallStatus.Queued,
        VapiCallStatus.Ringing => CallStatus.Ringing,
        VapiCallStatus.InProgress or VapiCallStatus.Forwarding => CallStatus.InProgress,
        VapiCallStatus.Ended => CallOutcomes.FromEndedReason(endedReason) switch
        {
            CallOutcome.Canceled => CallStatus.Canceled,
            var o when CallOutcomes.IsCompletion(o) => CallStatus.Ended,
            _ => CallStatus.Failed,
        },
        _ => null,
    };

    // ---------------------------------------------------------------- contacts

    /// <summary>Stop: every contact still waiting is SKIPPED with the reason. Needs no leader write (a pending contact holds no slot).</summary>
    public Task<int> SkipPendingAsync(long campaignId, ContactReason reason, CancellationToken ct)
    {
        var now = Now;
        var from = ContactStateMachine.From(ContactStateMachine.Move.Skip);
        return db.Contacts.Where(c => c.CampaignId == campaignId && from.Contains(c.State))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, ContactState.Skipped).SetProperty(c => c.Reason, reason)
                .SetProperty(c => c.NextAttemptAt, (DateTime?)null).SetProperty(c => c.UpdatedAt, now), ct);
    }

    /// <summary>
    /// The contact follows the end of its call, unless another call of it is still live. A call Vapi refused for the
    /// account's concurrency limit gives the contact back (not its fault). <paramref name="recount"/>: the call had
    /// been given back, so its attempt counts again.
    /// </summary>
    private async Task SettleContactAsync(long contactId, long callId, CallOutcome outcome, string? endedReason, bool recount, DateTime now, CancellationToken ct,
        string? structuredData = null)
    {
        var others = db.Calls.Where(o => o.ContactId == contactId && o.Id != callId && Active.Contains(o.Status));
        if (outcome == CallOutcome.ConcurrencyLimited)
        {
            var retryAt = now.AddSeconds(2);
            var giveBack = ContactStateMachine.From(ContactStateMachine.Move.GiveBack);
            await db.Contacts.Where(c => c.Id == contactId && giveBack.Contains(c.State) && !others.Any())
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, ContactState.Pending).SetProperty(c => c.Attempts, c => c.Attempts > 0 ? c.Attempts - 1 : 0)
                    .SetProperty(c => c.NextAttemptAt, retryAt).SetProperty(c => c.Reason, ContactReason.AccountBusy).SetProperty(c => c.UpdatedAt, now), ct);
            effects.Wake();
            return;
        }
        var settle = ContactStateMachine.From(ContactStateMachine.Move.Settle);
        var reason = Truncate(endedReason);
        var add = recount ? 1 : 0;
        var (state, next, why) = await NextStepAsync(contactId, callId, outcome, add, structuredData, now, ct);
        await db.Contacts.Where(c => c.Id == contactId && settle.Contains(c.State) && !others.Any())
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, state).SetProperty(c => c.LastOutcome, outcome).SetProperty(c => c.LastEndedReason, reason)
                .SetProperty(c => c.Attempts, c => c.Attempts + add).SetProperty(c => c.NextAttemptAt, next)
                .SetProperty(c => c.Reason, why).SetProperty(c => c.UpdatedAt, now), ct);
        if (state == ContactState.Pending) effects.Wake();
    }

    /// <summary>
    /// After a call ended: the person opted out (the number goes on the do-not-call list, no retry), asked for a
    /// callback (called then), the retry policy tries again after its delay, or the contact is done.
    /// </summary>
    private async Task<(ContactState State, DateTime? Next, ContactReason? Why)> NextStepAsync(long contactId, long callId, CallOutcome outcome, int add,
        string? structuredData, DateTime now, CancellationToken ct)
    {
        var done = ContactStateMachine.Settled(outcome);
        var row = await db.Contacts.AsNoTracking().Where(c => c.Id == contactId)
            .Join(db.Campaigns.AsNoTracking(), c => c.CampaignId, p => p.Id, (c, p) => new { c.Attempts, c.Phone, p.PolicyJson, p.Status })
            .FirstOrDefaultAsync(ct);
        if (row is null) return (done, null, null);
        var analysis = CallAnalysis.Read(structuredData);
        if (analysis.DoNotCall)
        {
            await dnc.AddNormalizedAsync(row.Phone, "Asked not to be called again during the call.", $"call:{callId}", ct);
            logger.LogInformation("Call {CallId}: the person opted out; the number is on the do-not-call list", callId);
            return (done, null, null);
        }
        if (!Campaign.Dialable.Contains(row.Status) && row.Status != CampaignStatus.Paused) return (done, null, null);
        var policy = PolicyReader.Deserialize(row.PolicyJson);
        var attempts = row.Attempts + add;
        if (analysis.CallbackAt is { } callback && callback > now && attempts < policy.Retry.MaxAttempts)
            return (ContactState.Pending, callback, ContactReason.CallbackRequested);
        if (RetryPolicies.NextAttempt(policy.Retry, outcome, attempts, now, compliance.TimeScale) is { } retryAt)
            return (ContactState.Pending, retryAt, ContactReason.RetryScheduled);
        return (done, null, null);
    }

    /// <summary>Contacts that may not be called now wait until they may, with the reason (only those still waiting).</summary>
    public async Task WaitAsync(IReadOnlyList<(long ContactId, DateTime Until, ContactReason Reason)> waits, CancellationToken ct)
    {
        var now = Now;
        foreach (var group in waits.GroupBy(w => (w.Until, w.Reason)))
        {
            var ids = group.Select(w => w.ContactId).ToList();
            var (until, reason) = group.Key;
            await db.Contacts.Where(c => ids.Contains(c.Id) && c.State == ContactState.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.NextAttemptAt, until).SetProperty(c => c.Reason, reason).SetProperty(c => c.UpdatedAt, now), ct);
        }
    }

    /// <summary>Contacts not to be called (do-not-call, no consent, hours that never open, campaign ended): SKIPPED with the reason.</summary>
    public async Task<int> SkipAsync(IReadOnlyCollection<long> contactIds, ContactReason reason, CancellationToken ct)
    {
        if (contactIds.Count == 0) return 0;
        var now = Now;
        var from = ContactStateMachine.From(ContactStateMachine.Move.Skip);
        var n = await db.Contacts.Where(c => contactIds.Contains(c.Id) && from.Contains(c.State))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, ContactState.Skipped).SetProperty(c => c.Reason, reason)
                .SetProperty(c => c.NextAttemptAt, (DateTime?)null).SetProperty(c => c.UpdatedAt, now), ct);
        return n;
    }

    /// <summary>A live call exists for the contact after all: it is DIALING again, whatever we had decided.</summary>
    private Task ReviveContactAsync(long contactId, bool recount, DateTime now, CancellationToken ct)
    {
        var add = recount ? 1 : 0;
        return db.Contacts.Where(c => c.Id == contactId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, ContactState.Dialing).SetProperty(c => c.Attempts, c => c.Attempts + add)
                .SetProperty(c => c.NextAttemptAt, (DateTime?)null).SetProperty(c => c.Reason, (ContactReason?)null).SetProperty(c => c.UpdatedAt, now), ct);
    }

    // ---------------------------------------------------------------- plumbing

    /// <summary>The engine decided a call's end itself (no report will come): call.ended in the same transaction.</summary>
    public async Task CallEndedAsync(long callId, CancellationToken ct)
    {
        await outbox.CallEndedAsync(callId, ct);
        await db.SaveChangesAsync(ct);
    }

    private sealed record Row(CallStatus Status, CallOutcome? Outcome, string? ProviderCallId, long CampaignId, long PhoneLineId, long ContactId);

    private Task<Row?> RowAsync(long callId, CancellationToken ct)
        => db.Calls.AsNoTracking().Where(c => c.Id == callId)
            .Select(c => new Row(c.Status, c.Outcome, c.ProviderCallId, c.CampaignId, c.PhoneLineId, c.ContactId)).FirstOrDefaultAsync(ct);

    /// <summary>Appends an engine event in the caller's transaction; one already recorded under the same key is not added twice.</summary>
    public async Task AppendEventAsync(long? callId, long? campaignId, string type, CallStatus? status, string? payload, string dedupeKey, CancellationToken ct)
    {
        if (await db.CallEvents.AnyAsync(e => e.DedupeKey == dedupeKey, ct)) return;
        db.CallEvents.Add(Event(callId, campaignId, type, status, payload, dedupeKey));
        await db.SaveChangesAsync(ct);
    }

    private CallEvent Event(long? callId, long? campaignId, string type, CallStatus? status, string? payload, string dedupeKey) => new()
    {
        CallId = callId, CampaignId = campaignId, Type = type, Status = status is { } s ? AutoLynx.Wire.WireNames.State(s) : null,
        Payload = payload, ReceivedAt = Now, DedupeKey = dedupeKey,
    };

    private static string WireNames(CallStatus status, CallOutcome? outcome)
        => outcome == CallOutcome.NotPlaced ? "not placed" : AutoLynx.Wire.WireNames.State(status);

    private static string? Truncate(string? s) => s is null ? null : s.Length <= 1000 ? s : s[..1000];
}
