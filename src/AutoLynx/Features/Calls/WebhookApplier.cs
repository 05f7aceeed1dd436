using AutoLynx.Data;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Engine;
using AutoLynx.Features.Webhooks;
using AutoLynx.Hosting;
using AutoLynx.Vapi;
using AutoLynx.Vapi.Models;
using AutoLynx.Vapi.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Calls;

/// <summary>
/// Applies stored webhooks to their calls: the call's details and a call_events row per webhook, deduplicated by key;
/// the status moves only through <see cref="EngineTransitions"/> (forward only, the provider's word over our guesses).
/// The processor runs a whole batch in one fenced transaction (one commit, not one per row). This is the one place
/// where a webhook changes a call.
/// </summary>
public sealed class WebhookApplier(AppDbContext db, CampaignService campaigns, EngineTransitions transitions, TimeProvider time,
    ProviderLimits providerLimits, RunningCampaigns runningCampaigns, ActiveCallCounts counts, VapiConnection connection, OutboxWriter outbox,
    ILogger<WebhookApplier> logger)
{
    // Filled by PrefetchAsync for a batch: each row's parse, and which event keys were looked up and which of them exist
    // (plus the ones this batch has added), so a row costs no read of its call or of its duplicates.
    private readonly Dictionary<WebhookInboxItem, WebhookParseResult> _parsed = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _keysChecked = new(StringComparer.Ordinal);
    private readonly HashSet<string> _keysStored = new(StringComparer.Ordinal);

    /// <summary>
    /// Before a batch is applied, inside its transaction: reads the batch's calls (tracked, so <see cref="FindCallAsync"/>
    /// finds them without a query) and its event keys already stored, in two queries instead of two per row. Rows whose
    /// call or key turn out different at apply time (an earlier row of the batch changed the call) are read as before.
    /// </summary>
    public async Task PrefetchAsync(IReadOnlyList<WebhookInboxItem> rows, CancellationToken ct)
    {
        var ids = new HashSet<long>();
        foreach (var row in rows)
        {
            var parsed = VapiWebhookParser.Parse(row.Body);
            _parsed[row] = parsed;
            if (parsed.Ok && OurId(parsed.Message!) is { } id) ids.Add(id);
        }
        if (ids.Count == 0) return;
        var calls = await db.Calls.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (_parsed[row] is not { Ok: true, Message: { } msg } || OurId(msg) is not { } id || !calls.TryGetValue(id, out var call)) continue;
            if (msg.Type is VapiMessageTypes.StatusUpdate or VapiMessageTypes.EndOfCallReport)
                keys.Add(DedupeKey(msg, msg.Call?.Id ?? call.ProviderCallId ?? "?", row.Id));
        }
        if (keys.Count == 0) return;
        var stored = await db.CallEvents.Where(e => keys.Contains(e.DedupeKey)).Select(e => e.DedupeKey).ToListAsync(ct);
        _keysChecked.UnionWith(keys);
        _keysStored.UnionWith(stored.OfType<string>());
    }

    /// <summary>Applies one inbox row (tracked by this applier's context) inside the caller's transaction.</summary>
    public async Task ApplyAsync(WebhookInboxItem row, AppliedBatch batch, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        batch.Rows++;
        using var span = WebhookTrace.StartApply(row, row.MessageType);
        var parsed = _parsed.Remove(row, out var prefetched) ? prefetched : VapiWebhookParser.Parse(row.Body);
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
        if (_keysChecked.Contains(dedupeKey) ? _keysStored.Contains(dedupeKey) : await db.CallEvents.AnyAsync(e => e.DedupeKey == dedupeKey, ct))
        {
            row.Error = "duplicate";
            await db.SaveChangesAsync(ct);
            return;
        }

        if (call.ProviderCallId is null && msg.Call?.Id is { Length: > 0 } pid) call.ProviderCallId = pid;
        call.ControlUrl ??= ControlUrlPolicy.TrustedOrNull(msg.Call?.Monitor?.ControlUrl, connection.BaseUrl);
        call.LastEventAt = now;
        CallStatus? target = null;
        if (msg.IsStatusUpdate) target = StatusUpdate(call, msg, now);
        else if (msg.IsEndOfCallReport) target = EndOfCallReport(call, msg, now);
        var moved = target is { } t && await transitions.MoveByProviderAsync(call, t, ct);
        // A report that does not move the status may still correct the outcome, and its details always show.
        if (!moved && msg.IsEndOfCallReport) await transitions.ReportedAsync(call, ct);

        if (moved && call.Outcome == CallOutcome.ConcurrencyLimited)
        {
            var inARow = providerLimits.ReportRefused(counts.Account - 1);
            logger.LogWarning("Vapi refused call {CallId} for its concurrency limit ({InARow} in a row); contact given back", call.Id, inARow);
        }

        // call.ended once the result is final: with the end-of-call report (Vapi sends one for every call, failed ones too; a
        // lost one is fetched by the reconciler, or given up on, which writes call.ended with what is known).
        if (msg.IsEndOfCallReport && Call.IsTerminal(call.Status) && !CallStateMachine.IsGuess(call.Status, call.Outcome)
            && call.Outcome is not CallOutcome.ConcurrencyLimited)
            await outbox.CallEndedAsync(call, ct);

        db.CallEvents.Add(new CallEvent
        {
            CallId = call.Id, CampaignId = call.CampaignId, Type = msg.Type!, Status = msg.Status ?? (msg.IsEndOfCallReport ? "ended" : null),
            Payload = CompactPayload(msg), ReceivedAt = now, DedupeKey = dedupeKey,
        });
        await db.SaveChangesAsync(ct);
        _keysChecked.Add(dedupeKey);
        _keysStored.Add(dedupeKey);

        if (CallStateMachine.Rank(call.Status) >= CallStateMachine.Rank(CallStatus.Ringing) && call.Outcome is not CallOutcome.ConcurrencyLimited
            && !runningCampaigns.Contains(call.CampaignId))
        {
            await campaigns.MarkRunningAsync(call.CampaignId, ct);
            runningCampaigns.Add(call.CampaignId);
        }
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
        db.ChangeTracker.Clear();
        if (!await db.CallEvents.AnyAsync(e => e.DedupeKey == key, ct)) return false;
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

    /// <summary>By our own ids echoed back (metadata.callId, customer.externalId), else by Vapi's call id.</summary>
    private async Task<Call?> FindCallAsync(VapiServerMessage msg, CancellationToken ct)
    {
        if (OurId(msg) is { } callId)
        {
            // Found in the context when the batch was prefetched (or an earlier row read it), else read.
            var byId = await db.Calls.FindAsync([callId], ct);
            // Our id only counts if the provider id agrees (or is not known yet): externalIds of other systems can collide.
            if (byId is not null && (byId.ProviderCallId is null || msg.Call?.Id is null || byId.ProviderCallId == msg.Call.Id)) return byId;
        }
        if (msg.Call?.Id is { } pid) return await db.Calls.FirstOrDefaultAsync(c => c.ProviderCallId == pid, ct);
        return null;
    }

    /// <summary>Our call id echoed back (metadata.callId, customer.externalId), if any.</summary>
    private static long? OurId(VapiServerMessage msg) =>
        long.TryParse(msg.Call?.MetadataValue("callId") ?? msg.Call?.Customer?.ExternalId ?? msg.Customer?.ExternalId, out var id) ? id : null;

    /// <summary>A status-update's details; returns the status it reports.</summary>
    private static CallStatus? StatusUpdate(Call call, VapiServerMessage msg, DateTime now)
    {
        var at = msg.Timestamp?.UtcDateTime ?? now;
        var reason = msg.EndedReason ?? msg.Call?.EndedReason;
        var target = EngineTransitions.ProviderStatus(msg.Status, reason);
        if (target == CallStatus.InProgress) call.StartedAt ??= msg.Call?.StartedAt?.UtcDateTime ?? at;
        if (target is { } t && Call.IsTerminal(t) && (Call.IsActive(call.Status) || CallStateMachine.IsGuess(call.Status, call.Outcome)))
        {
            call.EndedReason = reason ?? call.EndedReason;
            call.EndedAt = msg.Call?.EndedAt?.UtcDateTime ?? at;
        }
        return target;
    }

    /// <summary>The end-of-call report's details (the provider's final word); returns the status it reports.</summary>
    private static CallStatus EndOfCallReport(Call call, VapiServerMessage msg, DateTime now)
    {
        var reason = msg.EndedReason ?? msg.Call?.EndedReason;
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
        return EngineTransitions.ProviderStatus(VapiCallStatus.Ended, reason)!.Value;
    }

    /// <summary>
    /// What a call event keeps of its webhook: Vapi's time and ended reason. The results are on the call row, and the whole
    /// body stays in the inbox row until retention deletes it; a copy per event would store every webhook twice for ever.
    /// </summary>
    private static string? CompactPayload(VapiServerMessage msg)
    {
        var o = new System.Text.Json.Nodes.JsonObject();
        if (msg.Timestamp is { } at) o["timestamp"] = at.ToUnixTimeMilliseconds();
        if ((msg.EndedReason ?? msg.Call?.EndedReason) is { } reason) o["endedReason"] = reason;
        return o.Count == 0 ? null : o.ToJsonString();
    }

    private static void SetAside(WebhookInboxItem row, DateTime now, string why)
    {
        row.ProcessedAt = now;
        row.Error = why.Length > 500 ? why[..500] : why;
    }
}
