using System.Text.Json;
using AutoLynx.Data;
using AutoLynx.Features.Calls;
using AutoLynx.Vapi;
using AutoLynx.Vapi.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Engine;

/// <summary>
/// Campaigns always finish. Every second the <see cref="LaunchResolver"/> decides LAUNCHING rows that are due. Every
/// quarter of <c>Dialer:StuckAfter</c> (1 s – 1 min) a call with no event for <c>Dialer:StuckAfter</c> is looked up
/// at the provider and what it says is applied as if its webhook had arrived (through the inbox, so the same applier
/// decides). A call whose lookup fails backs off (and goes to the back of the queue, so it never starves the others);
/// after <c>Dialer:GiveUpAfter</c> more without an answer it becomes TIMEOUT. An ended (or failed) call whose end-of-call
/// report never came is filled in the same way, and given up on after the same time (its call.ended webhook waits for it).
/// </summary>
public sealed class StuckCallReconciler(IServiceScopeFactory scopes, IOptionsMonitor<DialerOptions> options, TimeProvider time,
    LaunchResolver resolver, WebhookInboxSignal inbox, EngineLease lease, LeaderWrites writes, EngineMetrics metrics, ILogger<StuckCallReconciler> logger) : BackgroundService
{
    /// <summary>An ended call we stopped asking about: its end-of-call report never came and Vapi could not give it.</summary>
    public static readonly DateTime NeverAgain = new(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc);
    private DateTime _nextSilentPass;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await lease.WaitForLeadershipAsync(stoppingToken);
                await resolver.ResolveDueAsync(stoppingToken);
                if (time.GetUtcNow().UtcDateTime >= _nextSilentPass)
                {
                    await ReconcileOnceAsync(stoppingToken);
                    var every = TimeSpan.FromTicks(Math.Clamp(options.CurrentValue.StuckAfter.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(1).Ticks));
                    _nextSilentPass = time.GetUtcNow().UtcDateTime + every;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (LeaseLostException) { /* wait for leadership again */ }
            catch (Exception ex)
            {
                logger.LogError(ex, "Reconciliation pass failed; trying again shortly");
            }
            try { await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    private sealed record Silent(long Id, long CampaignId, string ProviderCallId, CallStatus Status, DateTime? LastEventAt, int LookupFailures);

    /// <summary>One pass over silent calls. Returns how many it looked up.</summary>
    public async Task<int> ReconcileOnceAsync(CancellationToken ct)
    {
        var o = options.CurrentValue;
        var now = time.GetUtcNow().UtcDateTime;
        var cutoff = now - o.StuckAfter;

        List<Silent> silent;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            silent = await db.Calls.AsNoTracking()
                .Where(c => c.ProviderCallId != null && c.LastEventAt < cutoff && (c.LookupAfter == null || c.LookupAfter <= now)
                            && (c.Status == CallStatus.Queued || c.Status == CallStatus.Ringing || c.Status == CallStatus.InProgress
                                || ((c.Status == CallStatus.Ended || ((c.Status == CallStatus.Failed || c.Status == CallStatus.Canceled) && c.Outcome != CallOutcome.ConcurrencyLimited))
                                    && !db.CallEvents.Any(e => e.CallId == c.Id && e.Type == "end-of-call-report"))))
                .OrderBy(c => c.LookupAfter ?? c.LastEventAt).Take(o.ReconcileBatch)
                .Select(c => new Silent(c.Id, c.CampaignId, c.ProviderCallId!, c.Status, c.LastEventAt, c.LookupFailures))
                .ToListAsync(ct);
        }
        if (silent.Count == 0) return 0;

        foreach (var s in silent)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var t = scope.ServiceProvider.GetRequiredService<EngineTransitions>();
            var vapi = scope.ServiceProvider.GetRequiredService<VapiClient>();
            VapiCall? call = null;
            string? error = null;
            try
            {
                call = await vapi.GetCallAsync(s.ProviderCallId, ct);
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
                    var next = now + o.StuckAfter;
                    await db.Calls.Where(c => c.Id == s.Id).ExecuteUpdateAsync(u => u.SetProperty(c => c.LastEventAt, now)
                        .SetProperty(c => c.LookupAfter, next).SetProperty(c => c.LookupFailures, 0), ct);
                }, ct);
                continue;
            }
            metrics.LookupFailures.Add(1, new KeyValuePair<string, object?>("kind", "silent"));
            var silentFor = now - (s.LastEventAt ?? now);
            if (silentFor > o.StuckAfter + o.GiveUpAfter)
            {
                if (Call.IsTerminal(s.Status))
                    await writes.RunAsync(db, async () =>
                    {
                        await t.LookUpLaterAsync(s.Id, NeverAgain, failed: true, ct);
                        await t.AppendEventAsync(s.Id, s.CampaignId, "report-given-up", s.Status,
                            $"The end-of-call report never came and Vapi could not give it ({error}).", $"report-given-up:{s.Id}", ct);
                        await t.CallEndedAsync(s.Id, ct); // the result as far as it is known
                    }, ct);
                else
                    await writes.RunAsync(db, () => t.TimedOutAsync(s.Id,
                        $"No event for {silentFor:hh\\:mm\\:ss} and the provider could not say what happened ({error}).", ct), ct);
                continue;
            }
            var backoff = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, Math.Min(s.LookupFailures, 8))));
            await writes.RunAsync(db, () => t.LookUpLaterAsync(s.Id, now + backoff, failed: true, ct), ct);
            logger.LogWarning("Lookup of silent call {CallId} failed ({Failures} in a row): {Error}", s.Id, s.LookupFailures + 1, error);
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
}
