using AutoLynx.Data;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Compliance;
using AutoLynx.Features.Contacts;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Engine;

/// <summary>A campaign the dispatcher may place calls for, with its assistant, main line and policy.</summary>
public sealed record DialableCampaign(long Id, int Cap, DialMode Mode, bool LineQuietGating, string ProviderAssistantId, long PhoneLineId,
    string? PolicyJson, DateTime? EndAt);

/// <summary>What one campaign's turn in a pass came to.</summary>
public sealed record DialTurn(List<LaunchItem> Launches, bool GateWaiting = false, bool Paced = false)
{
    public static readonly DialTurn Nothing = new([]);
}

/// <summary>
/// One campaign's turn in a dispatcher pass: room from the counts over its pool of lines, the campaign-level rules
/// (<see cref="CampaignGuards"/>), strict batches and line-quiet gating, then the claim: in one fenced transaction the
/// due contacts pass the <see cref="ClaimGuard"/> (the others wait or are skipped, with the reason), each callable
/// one gets a line of the pool and a paced start (<see cref="CallPacing"/>), and the claim is written through
/// <see cref="EngineTransitions"/>.
/// </summary>
public sealed class CampaignDialer(AppDbContext db, TimeProvider time, EngineTransitions transitions, EngineEffects effects, ClaimGuard guard, CampaignGuards guards, CampaignService campaigns,
    LeaderWrites writes, ActiveCallCounts counts, CallPacing pacing, LineQuietCheck lineQuiet, EngineMetrics metrics, CampaignCompletions completions,
    ILogger<CampaignDialer> logger)
{
    public sealed record LineInfo(long Id, string ProviderPhoneNumberId, string Number, int MaxConcurrent, int? DailyCap, bool Active);

    public async Task<DialTurn> TurnAsync(DialableCampaign campaign, CampaignPolicy policy, IReadOnlyDictionary<long, LineInfo> lines,
        IReadOnlyDictionary<long, int> usedToday, int accountCap, DateTime now, long term, CancellationToken ct)
    {
        if (await guards.EndIfPastAsync(campaign.Id, campaign.EndAt, now, ct)) return DialTurn.Nothing;
        var pool = new[] { campaign.PhoneLineId }.Concat(policy.PhoneLineIds).Distinct()
            .Select(id => lines.GetValueOrDefault(id)).OfType<LineInfo>().Where(l => l.Active)
            .Select(l => new PoolLine(l.Id, l.ProviderPhoneNumberId, l.Number, l.MaxConcurrent, counts.Line(l.Id),
                l.DailyCap is { } cap ? Math.Max(0, cap - usedToday.GetValueOrDefault(l.Id)) : null))
            .ToList();
        // Never too low (see ActiveCallCounts), so the room is never too large.
        var campaignActive = counts.Campaign(campaign.Id);
        var room = DispatchRoom.Compute(campaign.Cap, campaignActive, accountCap, counts.Account, pool.Sum(l => l.Room), 0);
        if (room == 0)
        {
            if (campaignActive == 0 && completions.IdleCheckDue(campaign.Id, now)) await writes.RunAsync(db, () => campaigns.TryCompleteAsync(campaign.Id, ct), ct);
            return DialTurn.Nothing;
        }
        if (!await guards.WithinSpendAsync(campaign.Id, policy.SpendCap, ct)) return DialTurn.Nothing;

        var due = Due(db, campaign.Id, now);
        if (campaign.Mode == DialMode.Batch)
        {
            var (lowestPending, highestActive) = await BatchStateAsync(db, campaign.Id, now, ct);
            if (DispatchRoom.BatchAllowed(lowestPending, highestActive) is not { } batch) return DialTurn.Nothing;
            if (campaign.LineQuietGating && batch > 0 && highestActive is null && !await BatchStartedAsync(db, campaign.Id, batch, ct))
            {
                // Batch `batch` has not started: it also waits for every line of the pool to be quiet at the provider.
                foreach (var line in pool)
                {
                    var live = await lineQuiet.ActiveCallsAsync(line.ProviderPhoneNumberId, ct);
                    if (live == 0) continue;
                    logger.LogDebug("Campaign {CampaignId}: batch {Batch} waits, {Live} calls live on line {Line} at Vapi", campaign.Id, batch, live?.ToString() ?? "unknown", line.Id);
                    return new DialTurn([], GateWaiting: true);
                }
            }
            due = due.Where(x => x.BatchIndex == batch);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        (List<LaunchItem> Items, bool Paced) result;
        try
        {
            result = await writes.RunAsync(db, () => ClaimAsync(campaign, policy, pool, due, room, now, term, ct), ct, urgent: true);
        }
        catch
        {
            // The commit may or may not have happened: the counts must not stay too low.
            counts.Invalidate();
            throw;
        }
        // Only the dispatcher loop makes calls active and decides on the counts: adding after the commit is exact.
        foreach (var group in result.Items.GroupBy(i => i.PhoneLineId)) counts.Claimed(campaign.Id, group.Key, group.Count());
        metrics.Claim.Record(EngineMetrics.Ms(started));
        if (result.Items.Count == 0 && !result.Paced && counts.CertainlyIdle(campaign.Id))
            await writes.RunAsync(db, () => campaigns.TryCompleteAsync(campaign.Id, ct), ct);
        return new DialTurn(result.Items, Paced: result.Paced);
    }

    /// <summary>Inside the claim's transaction: the guard, the lines, the pacing and the write-ahead rows.</summary>
    private async Task<(List<LaunchItem>, bool Paced)> ClaimAsync(DialableCampaign campaign, CampaignPolicy policy, List<PoolLine> pool, IQueryable<Contact> due,
        int room, DateTime now, long term, CancellationToken ct)
    {
        // A few more than the room: some may have to wait (their hours, a live call elsewhere) or be skipped.
        var candidates = await DueContacts(due, room * 3 + 3).ToListAsync(ct);
        if (candidates.Count == 0) return ([], false);
        var decision = await guard.CheckAsync(policy, candidates, now, ct);
        if (decision.Waits.Count > 0) await transitions.WaitAsync(decision.Waits, ct);
        foreach (var (reason, ids) in decision.Skips) await transitions.SkipAsync(ids, reason, ct);
        if (decision.Waits.Count > 0 || decision.Skips.Count > 0) effects.ContactsChanged(campaign.Id);

        var picks = new List<(DueContact Contact, long LineId)>();
        var lineOf = new Dictionary<long, PoolLine>();
        var paced = false;
        foreach (var contact in decision.Callable)
        {
            if (picks.Count == room) break;
            var line = LinePicker.Pick(pool, contact.Phone, policy.LocalPresence, l => pacing.TryTake(l.Id, campaign.Id, policy.CallStartsPerSecond));
            if (line is null)
            {
                paced = pool.Any(l => l.Room > 0);
                break;
            }
            line.Active++;
            if (line.DailyLeft is { } left) line.DailyLeft = left - 1;
            picks.Add((contact, line.Id));
            lineOf[line.Id] = line;
        }
        if (picks.Count == 0) return ([], paced);
        // The pass's clock may be a while old by now (other campaigns' turns, the write gate): the rows say when they were claimed.
        var claimedAt = time.GetUtcNow().UtcDateTime;
        var claimed = await transitions.ClaimAsync(campaign.Id, picks, claimedAt, ct);
        if (claimed.Count > 0) logger.LogInformation("Claimed {Count} contacts of campaign {CampaignId}", claimed.Count, campaign.Id);
        return (claimed.Select(c => new LaunchItem(c.CallId, c.LaunchKey, claimedAt, campaign.Id, campaign.ProviderAssistantId,
            lineOf[c.PhoneLineId].ProviderPhoneNumberId, c.PhoneLineId, c.Contact.Id, c.Contact.Name, c.Contact.BusinessName, c.Contact.Phone,
            c.Contact.ExtraJson, term, c.Contact.Extension)).ToList(), paced);
    }

    public static IQueryable<Contact> Due(AppDbContext db, long campaignId, DateTime now)
        => db.Contacts.Where(x => x.CampaignId == campaignId && x.State == ContactState.Pending && (x.NextAttemptAt == null || x.NextAttemptAt <= now));

    /// <summary>The next due contacts in file order (one query shape, so the warm-up compiles it).</summary>
    public static IQueryable<DueContact> DueContacts(IQueryable<Contact> due, int take)
        => due.OrderBy(x => x.RowNumber).Take(take).Select(x => new DueContact(x.Id, x.Attempts, x.Name, x.BusinessName, x.Phone, x.ExtraJson, x.Extension));

    public static async Task<(int? LowestPending, int? HighestActive)> BatchStateAsync(AppDbContext db, long campaignId, DateTime now, CancellationToken ct)
    {
        int? lowestPending = await Due(db, campaignId, now).MinAsync(x => (int?)x.BatchIndex, ct);
        int? highestActive = await db.Contacts.Where(x => x.CampaignId == campaignId && x.State == ContactState.Dialing).MaxAsync(x => (int?)x.BatchIndex, ct);
        return (lowestPending, highestActive);
    }

    public static Task<bool> BatchStartedAsync(AppDbContext db, long campaignId, int batch, CancellationToken ct)
        => db.Contacts.AnyAsync(x => x.CampaignId == campaignId && x.BatchIndex == batch && (x.Attempts > 0 || x.State != ContactState.Pending), ct);
}
