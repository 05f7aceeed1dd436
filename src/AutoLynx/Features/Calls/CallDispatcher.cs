using AutoLynx.Data;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Contacts;
using AutoLynx.Features.PhoneLines;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Calls;

/// <summary>
/// Keeps every running campaign's slots full. Runs on a periodic tick (with jitter) and at once when woken
/// (start, resume, call ended, cap change). Each pass: compute room, claim due contacts and write their call
/// rows (LAUNCHING) in one transaction, then POST /call for each through <see cref="CallLauncher"/>.
/// </summary>
public sealed class CallDispatcher(
    IServiceScopeFactory scopes, DispatcherSignal signal, IOptionsMonitor<DialerOptions> options, TimeProvider time,
    ProviderLimits providerLimits, EngineLease lease, LeaderWrites writes, EngineMetrics metrics, LineQuietCheck lineQuiet,
    ILogger<CallDispatcher> logger) : BackgroundService
{
    /// <summary>How soon a batch held back by line-quiet gating is looked at again (the outside call sends us no webhook).</summary>
    public static readonly TimeSpan GateRecheck = TimeSpan.FromSeconds(1);
    private volatile bool _gateWaiting;

    // Launches run on their own (a POST, maybe retries with backoff): a pass never waits for them, their LAUNCHING
    // rows already count against every cap. Kept here so shutdown can let them finish their bookkeeping.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, bool> _launches = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try { await lease.WaitForLeadershipAsync(stoppingToken); }
        catch (OperationCanceledException) { return; }
        await using (var scope = scopes.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<CallLauncher>().RecoverLaunchingAsync(stoppingToken);

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await lease.WaitForLeadershipAsync(stoppingToken);
                // Keep passing while passes launch something: a pass bounded by room may leave work for the next.
                while (await DispatchOnceAsync(stoppingToken) > 0 && !stoppingToken.IsCancellationRequested) { }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (LeaseLostException) { continue; }
            catch (Exception ex)
            {
                logger.LogError(ex, "Dispatcher pass failed; retrying shortly");
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
            var o = options.CurrentValue;
            var tick = TimeSpan.FromSeconds(o.TickSeconds * (0.9 + Random.Shared.NextDouble() * 0.2));
            if (_gateWaiting && tick > GateRecheck) tick = GateRecheck;
            try
            {
                if (o.WakeUps) await signal.WaitAsync(tick, stoppingToken);
                else await Task.Delay(tick, time, stoppingToken);
            }
            catch (OperationCanceledException) { break; }
        }
        try { await Task.WhenAll(_launches.Keys).WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (Exception) { /* shutting down: what is unfinished stays LAUNCHING and is resolved by lookup at the next start */ }
    }

    /// <summary>One pass over every dialable campaign. Returns how many calls it launched (their POSTs are under way).</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken ct)
    {
        if (!lease.IsLeader) return 0;
        var passStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        var freed = metrics.PassStarted();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var campaigns = scope.ServiceProvider.GetRequiredService<CampaignService>();
        var launcher = scope.ServiceProvider.GetRequiredService<CallLauncher>();
        var now = time.GetUtcNow().UtcDateTime;
        var dialable = Campaign.Dialable;
        var active = Call.ActiveStatuses;

        var running = await db.Campaigns.AsNoTracking().Where(c => dialable.Contains(c.Status)).OrderBy(c => c.Id).ToListAsync(ct);
        if (running.Count == 0)
        {
            metrics.NothingToRefill(freed);
            return 0;
        }

        var activeCalls = await db.Calls.AsNoTracking().Where(c => active.Contains(c.Status))
            .GroupBy(c => new { c.CampaignId, c.PhoneLineId }).Select(g => new { g.Key.CampaignId, g.Key.PhoneLineId, Count = g.Count() })
            .ToListAsync(ct);
        var accountActive = activeCalls.Sum(x => x.Count);
        var lineActive = activeCalls.GroupBy(x => x.PhoneLineId).ToDictionary(g => g.Key, g => g.Sum(x => x.Count));
        var lineIds = running.Select(c => c.PhoneLineId).Distinct().ToList();
        var lines = await db.PhoneLines.AsNoTracking().Where(l => lineIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct);
        var assistantIds = running.Select(c => c.AssistantId).Distinct().ToList();
        var assistants = await db.Assistants.AsNoTracking().Where(a => assistantIds.Contains(a.Id))
            .ToDictionaryAsync(a => a.Id, a => a.ProviderAssistantId, ct);
        var accountCap = providerLimits.EffectiveAccountCap(options.CurrentValue.AccountCap);

        metrics.Room.Record(EngineMetrics.Ms(passStarted));
        var launches = new List<LaunchItem>();
        var gateWaiting = false;
        foreach (var campaign in running)
        {
            var campaignActive = activeCalls.Where(x => x.CampaignId == campaign.Id).Sum(x => x.Count);
            var line = lines.GetValueOrDefault(campaign.PhoneLineId);
            var room = DispatchRoom.Compute(campaign.Cap, campaignActive, accountCap, accountActive,
                line?.MaxConcurrent ?? 0, lineActive.GetValueOrDefault(campaign.PhoneLineId));
            if (room == 0)
            {
                if (campaignActive == 0) await writes.RunAsync(db, () => campaigns.TryCompleteAsync(campaign.Id, ct), ct);
                continue;
            }

            var due = db.Contacts.Where(x => x.CampaignId == campaign.Id && x.State == ContactState.Pending
                                             && (x.NextAttemptAt == null || x.NextAttemptAt <= now));
            if (campaign.Mode == DialMode.Batch)
            {
                int? lowestPending = await due.MinAsync(x => (int?)x.BatchIndex, ct);
                int? highestActive = await db.Contacts.Where(x => x.CampaignId == campaign.Id && x.State == ContactState.Dialing)
                    .MaxAsync(x => (int?)x.BatchIndex, ct);
                if (DispatchRoom.BatchAllowed(lowestPending, highestActive) is not { } batch) continue;
                if (campaign.LineQuietGating && batch > 0 && highestActive is null
                    && !await db.Contacts.AnyAsync(x => x.CampaignId == campaign.Id && x.BatchIndex == batch && (x.Attempts > 0 || x.State != ContactState.Pending), ct))
                {
                    // Batch `batch` has not started: it also waits for the line to be quiet at the provider.
                    var live = await lineQuiet.ActiveCallsAsync(line!.ProviderPhoneNumberId, ct);
                    if (live != 0)
                    {
                        gateWaiting = true;
                        logger.LogDebug("Campaign {CampaignId}: batch {Batch} waits, {Live} calls live on the line at Vapi", campaign.Id, batch, live?.ToString() ?? "unknown");
                        continue;
                    }
                }
                due = due.Where(x => x.BatchIndex == batch);
            }
            var claimed = await ClaimAsync(db, campaign, assistants[campaign.AssistantId], line!, due, room, now, ct);
            if (claimed.Count == 0)
            {
                if (campaignActive == 0) await writes.RunAsync(db, () => campaigns.TryCompleteAsync(campaign.Id, ct), ct);
                continue;
            }
            accountActive += claimed.Count;
            lineActive[campaign.PhoneLineId] = lineActive.GetValueOrDefault(campaign.PhoneLineId) + claimed.Count;
            launches.AddRange(claimed);
        }

        _gateWaiting = gateWaiting;
        if (launches.Count == 0)
        {
            metrics.NothingToRefill(freed);
            return 0;
        }
        metrics.Refilled(freed);
        foreach (var item in launches)
        {
            var task = launcher.LaunchAsync(item, ct);
            _launches[task] = true;
            _ = task.ContinueWith(t => _launches.TryRemove(t, out _), TaskScheduler.Default);
        }
        return launches.Count;
    }

    /// <summary>Write-ahead: contacts → DIALING and call rows LAUNCHING with their launch keys, in one transaction, before any HTTP.</summary>
    private async Task<List<LaunchItem>> ClaimAsync(AppDbContext db, Campaign campaign, string providerAssistantId, PhoneLine line, IQueryable<Contact> due, int room, DateTime now, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = await writes.RunAsync(db, () => ClaimInTransactionAsync(db, campaign, providerAssistantId, line, due, room, now, ct), ct);
        metrics.Claim.Record(EngineMetrics.Ms(started));
        return result;
    }

    private async Task<List<LaunchItem>> ClaimInTransactionAsync(AppDbContext db, Campaign campaign, string providerAssistantId, PhoneLine line, IQueryable<Contact> due, int room, DateTime now, CancellationToken ct)
    {
        var contacts = await due.OrderBy(x => x.RowNumber).Take(room).ToListAsync(ct);
        if (contacts.Count == 0) return [];
        var calls = new List<Call>(contacts.Count);
        foreach (var contact in contacts)
        {
            contact.State = ContactState.Dialing;
            contact.Attempts++;
            contact.NextAttemptAt = null;
            contact.UpdatedAt = now;
            var call = new Call
            {
                CampaignId = campaign.Id, ContactId = contact.Id, AttemptNumber = contact.Attempts, PhoneLineId = line.Id,
                LaunchKey = Guid.NewGuid().ToString("N"), Status = CallStatus.Launching, CreatedAt = now, LastEventAt = now,
            };
            db.Calls.Add(call);
            calls.Add(call);
        }
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Claimed {Count} contacts of campaign {CampaignId}", contacts.Count, campaign.Id);
        return contacts.Zip(calls, (contact, call) => new LaunchItem(call.Id, call.LaunchKey, call.CreatedAt, campaign.Id, providerAssistantId, line.ProviderPhoneNumberId,
            contact.Id, contact.Name, contact.BusinessName, contact.Phone, contact.ExtraJson)).ToList();
    }
}

/// <summary>Everything needed to place one call, read in the claim transaction.</summary>
public sealed record LaunchItem(long CallId, string LaunchKey, DateTime CreatedAt, long CampaignId, string ProviderAssistantId, string ProviderPhoneNumberId,
    long ContactId, string Name, string BusinessName, string Phone, string? ExtraJson);

/// <summary>What Vapi told us about the account's concurrency limit (subscriptionLimits, concurrency-limit ended reasons).</summary>
public sealed class ProviderLimits(TimeProvider time)
{
    private int? _limit;
    private DateTimeOffset _backoffUntil;
    private int _backoffCap;

    public void ReportLimit(int? limit)
    {
        if (limit is > 0) _limit = limit;
    }

    /// <summary>The provider refused a call for concurrency: hold the account to what is in flight for a short while.</summary>
    public void ReportRefused(int activeNow)
    {
        _backoffCap = Math.Max(1, activeNow);
        _backoffUntil = time.GetUtcNow().AddSeconds(5);
    }

    public int EffectiveAccountCap(int configured)
    {
        var cap = _limit is { } l ? Math.Min(configured, l) : configured;
        if (time.GetUtcNow() < _backoffUntil) cap = Math.Min(cap, _backoffCap);
        return cap;
    }
}
