using System.Text.Json;
using AutoLynx.Data;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Contacts;
using AutoLynx.Vapi.Models;
using AutoLynx.Vapi.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Calls;

/// <summary>What a batch of applied webhooks changed, acted on once the batch's transaction has committed.</summary>
public sealed class AppliedBatch
{
    public List<CampaignChange> Changes { get; } = [];
    /// <summary>Campaigns with a call that became terminal in this batch: a slot freed, and maybe the campaign is done.</summary>
    public HashSet<long> Freed { get; } = [];
    public int Rows { get; set; }
}

/// <summary>
/// Applies stored webhooks to their calls: the call row and a call_events row per webhook, deduplicated by key,
/// status only moving forward. The processor runs a whole batch in one fenced transaction (one commit, not one per
/// row). This is the one place where Vapi's word changes a call.
/// </summary>
public sealed class WebhookApplier(AppDbContext db, CampaignService campaigns, TimeProvider time,
    ProviderLimits providerLimits, RunningCampaigns runningCampaigns, ActiveCallCounts counts, ILogger<WebhookApplier> logger)
{
    /// <summary>Applies one inbox row (tracked by this applier's context) inside the caller's transaction.</summary>
    public async Task ApplyAsync(WebhookInboxItem row, AppliedBatch batch, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        batch.Rows++;
        var parsed = VapiWebhookParser.Parse(row.Body);
        if (!parsed.Ok)
        {
            SetAside(row, now, $"Unreadable: {parsed.Detail}");
            await db.SaveChangesAsync(ct);
            return;
        }
        var msg = parsed.Message!;
        var call = await FindCallAsync(msg, ct);
        if (call is null)
        {
            row.Attempts++;
            if (msg.Call?.Id is null) SetAside(row, now, $"A {msg.Type} message without a call; stored and ignored.");
            else if (row.Attempts >= WebhookProcessor.MaxAttempts) SetAside(row, now, "No AutoLynx call matches this provider call.");
            else row.NextAttemptAt = now.AddSeconds(Math.Min(30, 0.25 * Math.Pow(2, row.Attempts)));
            await db.SaveChangesAsync(ct);
            return;
        }

        var providerId = msg.Call?.Id ?? call.ProviderCallId ?? "?";
        var dedupeKey = DedupeKey(msg, providerId, row.Id);
        row.ProcessedAt = now;
        row.Attempts++;
        // Rows saved earlier in this transaction count: a duplicate inside one batch is caught too.
        if (await db.CallEvents.AnyAsync(e => e.DedupeKey == dedupeKey, ct))
        {
            row.Error = "duplicate";
            await db.SaveChangesAsync(ct);
            return;
        }

        var before = call.Status;
        if (call.ProviderCallId is null && msg.Call?.Id is { } pid) call.ProviderCallId = pid;
        call.ControlUrl ??= Vapi.ControlUrlPolicy.TrustedOrNull(msg.Call?.Monitor?.ControlUrl, Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Hosting.VapiConnection>(db).BaseUrl);
        if (msg.IsStatusUpdate) ApplyStatusUpdate(call, msg, now);
        else if (msg.IsEndOfCallReport) ApplyEndOfCallReport(call, msg, now);
        call.LastEventAt = now;

        var becameTerminal = !Call.IsTerminal(before) && Call.IsTerminal(call.Status);
        var outcome = EndedReasons.Classify(call.EndedReason);
        if (becameTerminal)
        {
            call.Outcome ??= outcome == CallOutcomeClass.Unknown ? "Ended" : outcome.ToString();
            await SettleContactAsync(call, outcome, now, ct);
            batch.Freed.Add(call.CampaignId);
            counts.ReleaseOnCommit(call.CampaignId, call.PhoneLineId);
        }

        db.CallEvents.Add(new CallEvent
        {
            CallId = call.Id, CampaignId = call.CampaignId, Type = msg.Type!, Status = msg.Status ?? (msg.IsEndOfCallReport ? "ended" : null),
            Payload = row.Body, ReceivedAt = now, DedupeKey = dedupeKey,
        });
        await db.SaveChangesAsync(ct);

        if (Call.Rank(call.Status) >= Call.Rank(CallStatus.Ringing) && call.Outcome is not "ConcurrencyLimited"
            && !runningCampaigns.Contains(call.CampaignId))
        {
            await campaigns.MarkRunningAsync(call.CampaignId, ct);
            runningCampaigns.Add(call.CampaignId);
        }
        if (call.Status != before || msg.IsEndOfCallReport)
            batch.Changes.Add(new CampaignChange(call.CampaignId, "call", call.Id, CampaignQueries.Upper(call.Status), now));
    }

    /// <summary>Marks a row that lost a race to the same event (a duplicate delivered twice at once) as a duplicate.</summary>
    public async Task<bool> SetAsideIfDuplicateAsync(long inboxId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var row = await db.WebhookInbox.FirstAsync(x => x.Id == inboxId, ct);
        var parsed = VapiWebhookParser.Parse(row.Body);
        if (!parsed.Ok) return false;
        var call = await FindCallAsync(parsed.Message!, ct);
        var key = DedupeKey(parsed.Message!, parsed.Message!.Call?.Id ?? call?.ProviderCallId ?? "?", row.Id);
        if (!await IsDuplicateAsync(key, ct)) return false;
        var now = time.GetUtcNow().UtcDateTime;
        await db.WebhookInbox.Where(x => x.Id == inboxId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ProcessedAt, now).SetProperty(x => x.Error, "duplicate"), ct);
        return true;
    }

    private static string DedupeKey(VapiServerMessage msg, string providerId, long inboxId) => msg.Type switch
    {
        VapiMessageTypes.StatusUpdate => $"{providerId}:status-update:{msg.Status}",
        VapiMessageTypes.EndOfCallReport => $"{providerId}:end-of-call-report",
        _ => $"{providerId}:{msg.Type}:inbox-{inboxId}",
    };

    private async Task<bool> IsDuplicateAsync(string key, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return await db.CallEvents.AnyAsync(e => e.DedupeKey == key, ct);
    }

    /// <summary>By our own ids echoed back (metadata.callId, customer.externalId), else by Vapi's call id.</summary>
    private async Task<Call?> FindCallAsync(VapiServerMessage msg, CancellationToken ct)
    {
        var ours = msg.Call?.MetadataValue("callId") ?? msg.Call?.Customer?.ExternalId ?? msg.Customer?.ExternalId;
        if (long.TryParse(ours, out var callId))
        {
            var byId = await db.Calls.FirstOrDefaultAsync(c => c.Id == callId, ct);
            // Our id only counts if the provider id agrees (or is not known yet): externalIds of other systems can collide.
            if (byId is not null && (byId.ProviderCallId is null || msg.Call?.Id is null || byId.ProviderCallId == msg.Call.Id)) return byId;
        }
        if (msg.Call?.Id is { } pid) return await db.Calls.FirstOrDefaultAsync(c => c.ProviderCallId == pid, ct);
        return null;
    }

    private static void ApplyStatusUpdate(Call call, VapiServerMessage msg, DateTime now)
    {
        var at = msg.Timestamp?.UtcDateTime ?? now;
        var target = MapStatus(msg.Status, msg.EndedReason ?? msg.Call?.EndedReason);
        if (target is null) return;
        if (Call.Rank(target.Value) > Call.Rank(call.Status)) call.Status = target.Value;
        if (target == CallStatus.InProgress) call.StartedAt ??= msg.Call?.StartedAt?.UtcDateTime ?? at;
        if (Call.IsTerminal(target.Value))
        {
            call.EndedReason ??= msg.EndedReason ?? msg.Call?.EndedReason;
            call.EndedAt ??= msg.Call?.EndedAt?.UtcDateTime ?? at;
        }
    }

    private static void ApplyEndOfCallReport(Call call, VapiServerMessage msg, DateTime now)
    {
        var reason = msg.EndedReason ?? msg.Call?.EndedReason;
        var terminal = MapStatus(VapiCallStatus.Ended, reason)!.Value;
        if (Call.Rank(terminal) > Call.Rank(call.Status)) call.Status = terminal;
        if (reason is not null) call.EndedReason = reason;
        var started = msg.StartedAt ?? msg.Call?.StartedAt;
        var ended = msg.EndedAt ?? msg.Call?.EndedAt;
        if (started is not null) call.StartedAt = started.Value.UtcDateTime;
        call.EndedAt = ended?.UtcDateTime ?? call.EndedAt ?? msg.Timestamp?.UtcDateTime ?? now;
        call.DurationSeconds = started is not null && ended is not null ? Math.Max(0, (ended.Value - started.Value).TotalSeconds)
            : msg.DurationSeconds ?? (started is null ? 0 : call.DurationSeconds);
        call.Cost = msg.Cost ?? msg.Call?.Cost ?? call.Cost;
        var costs = msg.Costs ?? msg.Call?.Costs;
        if (costs is not null) call.CostBreakdownJson = costs.ToJsonString();
        var artifact = msg.Artifact ?? msg.Call?.Artifact;
        call.Transcript = artifact?.Transcript ?? msg.Transcript ?? call.Transcript;
        if (artifact?.Messages is { } messages) call.MessagesJson = messages.ToJsonString();
        call.RecordingUrl = artifact?.BestRecordingUrl ?? msg.RecordingUrl ?? call.RecordingUrl;
        call.StereoRecordingUrl = artifact?.BestStereoUrl ?? call.StereoRecordingUrl;
        var analysis = msg.Analysis ?? msg.Call?.Analysis;
        call.Summary = analysis?.Summary ?? msg.Summary ?? call.Summary;
        call.SuccessEvaluation = analysis?.SuccessEvaluation ?? call.SuccessEvaluation;
        if (analysis?.StructuredData is { } sd) call.StructuredDataJson = sd.ToJsonString();
        var outcome = EndedReasons.Classify(call.EndedReason);
        if (outcome != CallOutcomeClass.Unknown) call.Outcome = outcome.ToString();
    }

    /// <summary>Vapi status → ours: scheduled/queued → QUEUED, ringing → RINGING, in-progress/forwarding → IN_PROGRESS, ended → ENDED or FAILED/CANCELED by ended reason.</summary>
    public static CallStatus? MapStatus(string? status, string? endedReason) => status switch
    {
        VapiCallStatus.Scheduled or VapiCallStatus.Queued => CallStatus.Queued,
        VapiCallStatus.Ringing => CallStatus.Ringing,
        VapiCallStatus.InProgress or VapiCallStatus.Forwarding => CallStatus.InProgress,
        VapiCallStatus.Ended => EndedReasons.Classify(endedReason) switch
        {
            CallOutcomeClass.Canceled => CallStatus.Canceled,
            CallOutcomeClass.StartFailed or CallOutcomeClass.Error or CallOutcomeClass.FailedToConnect or CallOutcomeClass.ConcurrencyLimited => CallStatus.Failed,
            _ => CallStatus.Ended,
        },
        _ => null,
    };

    /// <summary>The contact's state follows its call's end. A call refused for the account's concurrency limit gives the contact back.</summary>
    private async Task SettleContactAsync(Call call, CallOutcomeClass outcome, DateTime now, CancellationToken ct)
    {
        var contact = await db.Contacts.FirstOrDefaultAsync(c => c.Id == call.ContactId, ct);
        if (contact is null || contact.State != ContactState.Dialing) return;
        contact.UpdatedAt = now;
        contact.LastEndedReason = call.EndedReason;
        if (outcome == CallOutcomeClass.ConcurrencyLimited)
        {
            contact.State = ContactState.Pending;
            contact.Attempts = Math.Max(0, contact.Attempts - 1);
            contact.NextAttemptAt = now.AddSeconds(2);
            var active = await db.Calls.CountAsync(c => Call.ActiveStatuses.Contains(c.Status) && c.Id != call.Id, ct);
            providerLimits.ReportRefused(active);
            logger.LogWarning("Vapi refused call {CallId} for its concurrency limit; contact back to pending", call.Id);
            return;
        }
        contact.LastOutcome = call.Outcome;
        contact.State = call.Status == CallStatus.Ended ? ContactState.Completed : ContactState.Failed;
    }

    private static void SetAside(WebhookInboxItem row, DateTime now, string why)
    {
        row.ProcessedAt = now;
        row.Error = why.Length > 500 ? why[..500] : why;
    }
}

/// <summary>
/// Campaigns this instance has already moved to RUNNING: the transition happens once (resume restores RUNNING
/// itself), so later webhooks skip the UPDATE.
/// </summary>
public sealed class RunningCampaigns
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, bool> _ids = new();
    public bool Contains(long id) => _ids.ContainsKey(id);
    public void Add(long id) => _ids.TryAdd(id, true);
}
