using AutoLynx.Data;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Engine;

/// <summary>
/// The campaign-level rules the dispatcher applies on each pass, each in its own leader write: scheduled starts and
/// ends, the spend cap, and the failure-spike breaker. A rule that stops a campaign pauses it with the reason in words.
/// </summary>
public sealed class CampaignGuards(AppDbContext db, CampaignService campaigns, EngineTransitions transitions, LeaderWrites writes,
    IOptionsMonitor<DialerOptions> options, ActiveCallCounts counts, Compliance.ComplianceDefaults compliance, TimeProvider time, EngineMetrics metrics, ILogger<CampaignGuards> logger)
{
    private static readonly CallOutcome[] Faults = [CallOutcome.FailedToConnect, CallOutcome.ProviderFault, CallOutcome.VapiFault, CallOutcome.Error];

    /// <summary>Campaigns created with a start time that has come start themselves.</summary>
    public async Task StartScheduledAsync(DateTime now, CancellationToken ct)
    {
        var due = await db.Campaigns.AsNoTracking().Where(c => c.Status == CampaignStatus.Created && c.StartAt != null && c.StartAt <= now)
            .Select(c => c.Id).ToListAsync(ct);
        foreach (var id in due)
        {
            var result = await campaigns.StartAsync(id, ct, by: "schedule");
            logger.LogInformation("Campaign {CampaignId} started on its schedule: {Result}", id, result.Ok ? "started" : result.Error);
        }
    }

    /// <summary>Past its end time: the contacts left are not reached (SKIPPED); the campaign completes when its live calls end.</summary>
    public async Task<bool> EndIfPastAsync(long campaignId, DateTime? endAt, DateTime now, CancellationToken ct)
    {
        if (endAt is not { } end || end > now) return false;
        var pending = await db.Contacts.AsNoTracking().Where(c => c.CampaignId == campaignId && c.State == ContactState.Pending).Select(c => c.Id).ToListAsync(ct);
        if (pending.Count > 0)
        {
            await writes.RunAsync(db, () => transitions.SkipAsync(pending, ContactReason.CampaignEnded, ct), ct);
            logger.LogInformation("Campaign {CampaignId} reached its end time; {Count} contacts not reached", campaignId, pending.Count);
        }
        if (counts.CertainlyIdle(campaignId)) await writes.RunAsync(db, () => campaigns.TryCompleteAsync(campaignId, ct), ct);
        return true;
    }

    /// <summary>
    /// True while the campaign may place another call under its spend cap: what it spent, plus what its live calls are
    /// expected to cost (its own average so far), plus the next call, stays under the cap. At the cap it is paused.
    /// </summary>
    public async Task<bool> WithinSpendAsync(long campaignId, decimal? cap, CancellationToken ct)
    {
        if (cap is not { } limit) return true;
        // Ended calls whose cost (in the end-of-call report) has not arrived yet cost as much as a live one.
        var reportDue = time.GetUtcNow().UtcDateTime - compliance.ReportGrace(options.CurrentValue.ReportGrace);
        var active = Call.ActiveStatuses;
        var costs = await db.Calls.AsNoTracking().Where(c => c.CampaignId == campaignId).GroupBy(c => 1).Select(g => new
        {
            Spent = g.Sum(c => c.Cost),
            Priced = g.Count(c => c.Cost != null),
            Unpriced = g.Count(c => c.Cost == null && c.ProviderCallId != null && !active.Contains(c.Status) && c.EndedAt > reportDue),
        }).FirstOrDefaultAsync(ct);
        var spent = costs?.Spent ?? 0m;
        var expected = costs is { Priced: > 0 } ? spent / costs.Priced : options.CurrentValue.ExpectedCostPerCall;
        var live = counts.Campaign(campaignId) + (costs?.Unpriced ?? 0);
        var committed = spent + live * expected;
        if (committed + expected <= limit) return true;
        if (committed >= limit || live == 0)
        {
            await writes.RunAsync(db, () => campaigns.PauseForProblemAsync(campaignId,
                $"Spend cap reached: ${spent:0.00} spent{(live > 0 ? $" and {live} calls live (about ${live * expected:0.00} more)" : "")} of the ${limit:0.00} cap. " +
                "Raise the cap in the campaign's policy to go on.", ct), ct);
            logger.LogInformation("Campaign {CampaignId} paused at its spend cap", campaignId);
        }
        return false;
    }

    /// <summary>The failure-spike breaker: at least the threshold share of the last calls ended in faults → paused with the reason.</summary>
    public async Task BreakerAsync(long campaignId, CancellationToken ct)
    {
        var o = options.CurrentValue;
        var last = await db.Calls.AsNoTracking()
            .Where(c => c.CampaignId == campaignId && c.EndedAt != null && c.ProviderCallId != null && c.Outcome != null
                        && c.Outcome != CallOutcome.ConcurrencyLimited && c.Outcome != CallOutcome.NotPlaced)
            .OrderByDescending(c => c.EndedAt).Take(o.BreakerWindow).Select(c => c.Outcome!.Value).ToListAsync(ct);
        if (last.Count < o.BreakerWindow) return;
        var faults = last.Count(Faults.Contains);
        if (faults < o.BreakerThreshold * last.Count) return;
        await writes.RunAsync(db, () => campaigns.PauseForProblemAsync(campaignId,
            $"Paused by the failure breaker: {faults} of the last {last.Count} calls failed at the carrier, a provider or Vapi. " +
            "Check the phone line's health and Vapi's status, then resume.", ct), ct);
        metrics.BreakerTrips.Add(1);
        logger.LogWarning("Campaign {CampaignId}: the failure breaker tripped ({Faults} of {Count})", campaignId, faults, last.Count);
    }
}
