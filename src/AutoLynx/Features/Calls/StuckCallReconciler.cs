using System.Text.Json;
using AutoLynx.Data;
using AutoLynx.Vapi;
using AutoLynx.Vapi.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Calls;

/// <summary>
/// Campaigns always finish. A call with no event for <c>Dialer:StuckAfter</c> is looked up at the provider and
/// what the provider says is applied, as if its webhook had arrived; only if the provider cannot say does the call
/// become TIMEOUT. An ended call whose end-of-call report never came is filled in from GET /call the same way.
/// </summary>
public sealed class StuckCallReconciler(IServiceScopeFactory scopes, IOptionsMonitor<DialerOptions> options, TimeProvider time,
    CallLauncher launcher, WebhookInboxSignal inbox, EngineLease lease, LeaderWrites writes, ILogger<StuckCallReconciler> logger) : BackgroundService
{
    /// <summary>After this long without an answer from the provider about a stuck call, it is given up as TIMEOUT.</summary>
    public static readonly TimeSpan GiveUpAfterExtra = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await lease.WaitForLeadershipAsync(stoppingToken);
                await ReconcileOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (LeaseLostException) { /* wait for leadership again */ }
            catch (Exception ex)
            {
                logger.LogError(ex, "Reconciliation pass failed");
            }
            var every = TimeSpan.FromTicks(Math.Clamp(options.CurrentValue.StuckAfter.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(1).Ticks));
            try { await Task.Delay(every, time, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>One pass. Returns how many calls it looked up.</summary>
    public async Task<int> ReconcileOnceAsync(CancellationToken ct)
    {
        var stuckAfter = options.CurrentValue.StuckAfter;
        var now = time.GetUtcNow().UtcDateTime;
        var cutoff = now - stuckAfter;

        // A POST whose answer we never got: resolved by the launch-key lookup, never by dialling again.
        await launcher.RecoverLaunchingAsync(ct, olderThan: TimeSpan.FromTicks(Math.Max(stuckAfter.Ticks / 2, TimeSpan.FromSeconds(30).Ticks)));

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var silent = await db.Calls.AsNoTracking()
            .Where(c => c.ProviderCallId != null && c.LastEventAt < cutoff
                        && (c.Status == CallStatus.Queued || c.Status == CallStatus.Ringing || c.Status == CallStatus.InProgress
                            || (c.Status == CallStatus.Ended && !db.CallEvents.Any(e => e.CallId == c.Id && e.Type == "end-of-call-report"))))
            .OrderBy(c => c.LastEventAt).Take(200)
            .Select(c => new { c.Id, c.CampaignId, c.ProviderCallId, c.Status, c.LastEventAt })
            .ToListAsync(ct);
        if (silent.Count == 0) return 0;

        var vapi = scope.ServiceProvider.GetRequiredService<VapiClient>();
        foreach (var s in silent)
        {
            VapiCall? call = null;
            string? error = null;
            try
            {
                call = await vapi.GetCallAsync(s.ProviderCallId!, ct);
            }
            catch (VapiApiException ex)
            {
                error = $"Vapi answered {(int)ex.StatusCode}: {ex.VapiMessage}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                error = $"Vapi could not be reached: {ex.Message}";
            }

            if (call is not null)
            {
                // What the provider says goes through the same path as a webhook: inbox → applier (dedupe, monotonic).
                await writes.RunAsync(db, async () =>
                {
                    await EnqueueAsync(db, call, now, ct);
                    await db.Calls.Where(c => c.Id == s.Id).ExecuteUpdateAsync(u => u.SetProperty(c => c.LastEventAt, now), ct);
                }, ct);
                continue;
            }
            var silentFor = now - (s.LastEventAt ?? now);
            if (s.Status != CallStatus.Ended && silentFor > stuckAfter + GiveUpAfterExtra)
                await TimeoutAsync(scope.ServiceProvider, s.Id, s.CampaignId, $"No event for {silentFor:hh\\:mm\\:ss} and the provider could not say what happened ({error}).", now, ct);
            else
                logger.LogWarning("Lookup of silent call {CallId} failed: {Error}", s.Id, error);
        }
        inbox.Wake();
        return silent.Count;
    }

    /// <summary>A synthetic status-update (and end-of-call-report when ended) built from the provider's Call.</summary>
    private static async Task EnqueueAsync(AppDbContext db, VapiCall call, DateTime now, CancellationToken ct)
    {
        var callJson = JsonSerializer.SerializeToNode(call, VapiJson.Options);
        var ts = new DateTimeOffset(now).ToUnixTimeMilliseconds();
        var messages = new List<(string Type, object Body)> { ("status-update", new { type = "status-update", status = call.Status, endedReason = call.EndedReason, timestamp = ts, call = callJson }) };
        if (call.Status == VapiCallStatus.Ended)
            messages.Add(("end-of-call-report", new
            {
                type = "end-of-call-report", endedReason = call.EndedReason, timestamp = ts, call = callJson,
                startedAt = call.StartedAt, endedAt = call.EndedAt, cost = call.Cost, costs = call.Costs, artifact = call.Artifact, analysis = call.Analysis,
            }));
        foreach (var (type, body) in messages)
        {
            db.WebhookInbox.Add(new WebhookInboxItem
            {
                ReceivedAt = now, Body = JsonSerializer.Serialize(new { message = body }, VapiJson.Options),
                MessageType = "reconcile:" + type, ProviderCallId = call.Id,
            });
        }
        db.CallEvents.Add(new CallEvent
        {
            CallId = null, Type = "reconcile-lookup", Status = call.Status, ReceivedAt = now,
            Payload = $"GET /call/{call.Id} → {call.Status} {call.EndedReason}", DedupeKey = $"reconcile:{call.Id}:{Guid.NewGuid():N}",
        });
        await db.SaveChangesAsync(ct);
    }

    private async Task TimeoutAsync(IServiceProvider sp, long callId, long campaignId, string reason, DateTime now, CancellationToken ct)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var active = Call.ActiveStatuses;
        var changed = await writes.RunAsync(db, async () =>
        {
            var n = await db.Calls.Where(c => c.Id == callId && active.Contains(c.Status))
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, CallStatus.Timeout).SetProperty(c => c.Outcome, CallOutcome.Timeout)
                    .SetProperty(c => c.ErrorMessage, reason).SetProperty(c => c.EndedAt, now), ct);
            if (n == 0) return false;
            var row = await db.Calls.Where(c => c.Id == callId).Select(c => new { c.ContactId, c.PhoneLineId }).FirstAsync(ct);
            var contactId = row.ContactId;
            sp.GetRequiredService<ActiveCallCounts>().ReleaseOnCommit(campaignId, row.PhoneLineId);
            await db.Contacts.Where(c => c.Id == contactId && c.State == Contacts.ContactState.Dialing)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.State, Contacts.ContactState.Failed).SetProperty(c => c.LastOutcome, CallOutcome.Timeout)
                    .SetProperty(c => c.LastEndedReason, reason).SetProperty(c => c.UpdatedAt, now), ct);
            db.CallEvents.Add(new CallEvent { CallId = callId, CampaignId = campaignId, Type = "timeout", Status = "TIMEOUT", Payload = reason, ReceivedAt = now, DedupeKey = $"timeout:{callId}" });
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);
        if (!changed) return;
        logger.LogWarning("Call {CallId} timed out: {Reason}", callId, reason);
        sp.GetRequiredService<CampaignEventHub>().Publish(CampaignChange.ForCall(campaignId, callId, CallStatus.Timeout, now));
        sp.GetRequiredService<DispatcherSignal>().Wake();
        await writes.RunAsync(db, () => sp.GetRequiredService<Campaigns.CampaignService>().TryCompleteAsync(campaignId, ct), ct);
    }
}
