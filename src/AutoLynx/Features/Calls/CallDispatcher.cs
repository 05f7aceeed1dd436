using AutoLynx.Data;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Contacts;
using AutoLynx.Features.PhoneLines;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Calls;

/// <summary>
/// Keeps every running campaign's slots full. Runs on a periodic tick (with jitter) and at once when woken
/// (start, resume, call ended, cap change). Each pass: compute room from the leader's in-memory active call counts
/// (<see cref="ActiveCallCounts"/>), claim due contacts and write their call rows (LAUNCHING) in one transaction, then
/// POST /call for each through <see cref="CallLauncher"/>.
/// </summary>
public sealed class CallDispatcher(
    IServiceScopeFactory scopes, DispatcherSignal signal, IOptionsMonitor<DialerOptions> options, TimeProvider time,
    ProviderLimits providerLimits, EngineLease lease, LeaderWrites writes, EngineMetrics metrics, LineQuietCheck lineQuiet,
    ActiveCallCounts counts, ILogger<CallDispatcher> logger) : BackgroundService
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
        await WarmUpAsync(stoppingToken);

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
                if (o.WakeUps)
                {
                    // The counts' periodic rebuild rides on a pass; it is due no later than this.
                    var reconcile = counts.UntilReconcile() + TimeSpan.FromMilliseconds(1);
                    await signal.WaitAsync(reconcile < tick ? reconcile : tick, stoppingToken);
                }
                else await Task.Delay(tick, time, stoppingToken);
            }
            catch (OperationCanceledException) { break; }
        }
        try { await Task.WhenAll(_launches.Keys).WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (Exception) { /* shutting down: what is unfinished stays LAUNCHING and is resolved by lookup at the next start */ }
    }

    /// <summary>
    /// Runs every query of a pass once, against nothing, when this instance starts leading: EF Core compiles a query
    /// the first time it sees its shape (tens of milliseconds each, cold), and that used to be paid by the first
    /// campaign started after a deploy, between Start and its first POST /call.
    /// </summary>
    private async Task WarmUpAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var now = time.GetUtcNow().UtcDateTime;
            await counts.RebuildAsync(db, lease.Term, ct);
            await DialableAsync(db, ct);
            var room = 1;
            await DueContacts(Due(db, -1, now), room).ToListAsync(ct);
            var batch = -1;
            await DueContacts(Due(db, -1, now).Where(x => x.BatchIndex == batch), room).ToListAsync(ct);
            await BatchStateAsync(db, -1, now, ct);
            await BatchStartedAsync(db, -1, 0, ct);
            var campaigns = scope.ServiceProvider.GetRequiredService<CampaignService>();
            await writes.RunAsync(db, () => campaigns.TryCompleteAsync(-1, ct), ct); // fence + the completion UPDATE, matching no row
            await campaigns.StartAsync(-1, ct); // the Start command's reads: no such campaign, nothing changes
            _ = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(CallLauncher.BuildRequest(
                new LaunchItem(0, "warm-up", now, 0, "a", "p", 0, 0, "n", "b", "+10000000000", null)), AutoLynx.Vapi.VapiJson.Options);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogDebug(ex, "Dispatcher warm-up failed (harmless)");
        }
    }

    private sealed record DialableCampaign(long Id, int Cap, DialMode Mode, bool LineQuietGating, string ProviderAssistantId,
        long PhoneLineId, int LineMaxConcurrent, string ProviderPhoneNumberId);

    /// <summary>Every campaign that may place calls, with its line and assistant: one query.</summary>
    private static Task<List<DialableCampaign>> DialableAsync(AppDbContext db, CancellationToken ct)
    {
        var dialable = Campaign.Dialable;
        return (from c in db.Campaigns.AsNoTracking()
                join l in db.PhoneLines.AsNoTracking() on c.PhoneLineId equals l.Id
                join a in db.Assistants.AsNoTracking() on c.AssistantId equals a.Id
                where dialable.Contains(c.Status)
                orderby c.Id
                select new DialableCampaign(c.Id, c.Cap, c.Mode, c.LineQuietGating, a.ProviderAssistantId, l.Id, l.MaxConcurrent, l.ProviderPhoneNumberId))
            .ToListAsync(ct);
    }

    private static IQueryable<Contact> Due(AppDbContext db, long campaignId, DateTime now)
        => db.Contacts.Where(x => x.CampaignId == campaignId && x.State == ContactState.Pending && (x.NextAttemptAt == null || x.NextAttemptAt <= now));

    private static async Task<(int? LowestPending, int? HighestActive)> BatchStateAsync(AppDbContext db, long campaignId, DateTime now, CancellationToken ct)
    {
        int? lowestPending = await Due(db, campaignId, now).MinAsync(x => (int?)x.BatchIndex, ct);
        int? highestActive = await db.Contacts.Where(x => x.CampaignId == campaignId && x.State == ContactState.Dialing).MaxAsync(x => (int?)x.BatchIndex, ct);
        return (lowestPending, highestActive);
    }

    private static Task<bool> BatchStartedAsync(AppDbContext db, long campaignId, int batch, CancellationToken ct)
        => db.Contacts.AnyAsync(x => x.CampaignId == campaignId && x.BatchIndex == batch && (x.Attempts > 0 || x.State != ContactState.Pending), ct);

    /// <summary>One pass over every dialable campaign. Returns how many calls it launched (their POSTs are under way).</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken ct)
    {
        if (!lease.IsLeader) return 0;
        var term = lease.Term;
        var passStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        var freed = metrics.PassStarted();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var campaigns = scope.ServiceProvider.GetRequiredService<CampaignService>();
        var launcher = scope.ServiceProvider.GetRequiredService<CallLauncher>();
        var now = time.GetUtcNow().UtcDateTime;

        // A new lease term, something uncertain, or simply time: read the active calls from the database again.
        if (!counts.IsCurrent(term)) await counts.RebuildAsync(db, term, ct);
        var running = await DialableAsync(db, ct);
        if (running.Count == 0)
        {
            metrics.NothingToRefill(freed);
            return 0;
        }
        var accountCap = providerLimits.EffectiveAccountCap(options.CurrentValue.AccountCap);

        metrics.Room.Record(EngineMetrics.Ms(passStarted));
        var launches = new List<LaunchItem>();
        var gateWaiting = false;
        foreach (var campaign in running)
        {
            // Never too low (see ActiveCallCounts), so the room is never too large.
            var campaignActive = counts.Campaign(campaign.Id);
            var room = DispatchRoom.Compute(campaign.Cap, campaignActive, accountCap, counts.Account,
                campaign.LineMaxConcurrent, counts.Line(campaign.PhoneLineId));
            if (room == 0)
            {
                if (campaignActive == 0) await writes.RunAsync(db, () => campaigns.TryCompleteAsync(campaign.Id, ct), ct);
                continue;
            }

            var due = Due(db, campaign.Id, now);
            if (campaign.Mode == DialMode.Batch)
            {
                var (lowestPending, highestActive) = await BatchStateAsync(db, campaign.Id, now, ct);
                if (DispatchRoom.BatchAllowed(lowestPending, highestActive) is not { } batch) continue;
                if (campaign.LineQuietGating && batch > 0 && highestActive is null && !await BatchStartedAsync(db, campaign.Id, batch, ct))
                {
                    // Batch `batch` has not started: it also waits for the line to be quiet at the provider.
                    var live = await lineQuiet.ActiveCallsAsync(campaign.ProviderPhoneNumberId, ct);
                    if (live != 0)
                    {
                        gateWaiting = true;
                        logger.LogDebug("Campaign {CampaignId}: batch {Batch} waits, {Live} calls live on the line at Vapi", campaign.Id, batch, live?.ToString() ?? "unknown");
                        continue;
                    }
                }
                due = due.Where(x => x.BatchIndex == batch);
            }
            var claimed = await ClaimAsync(db, campaign, due, room, now, ct);
            if (claimed.Count == 0)
            {
                if (campaignActive == 0) await writes.RunAsync(db, () => campaigns.TryCompleteAsync(campaign.Id, ct), ct);
                continue;
            }
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
    private async Task<List<LaunchItem>> ClaimAsync(AppDbContext db, DialableCampaign campaign, IQueryable<Contact> due, int room, DateTime now, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        List<LaunchItem> result;
        try
        {
            result = await writes.RunAsync(db, () => ClaimInTransactionAsync(db, campaign, due, room, now, ct), ct, urgent: true);
        }
        catch
        {
            // The commit may or may not have happened: the counts must not stay too low.
            counts.Invalidate();
            throw;
        }
        // Only this loop makes calls active and only this loop decides on the counts: adding after the commit is exact.
        counts.Claimed(campaign.Id, campaign.PhoneLineId, result.Count);
        metrics.Claim.Record(EngineMetrics.Ms(started));
        return result;
    }

    private async Task<List<LaunchItem>> ClaimInTransactionAsync(AppDbContext db, DialableCampaign campaign, IQueryable<Contact> due, int room, DateTime now, CancellationToken ct)
    {
        var contacts = await DueContacts(due, room).ToListAsync(ct);
        if (contacts.Count == 0) return [];
        var claimed = await CallClaims.WriteAsync(db, campaign.Id, campaign.PhoneLineId, contacts, now, ct);
        logger.LogInformation("Claimed {Count} contacts of campaign {CampaignId}", contacts.Count, campaign.Id);
        return claimed.Select(c => new LaunchItem(c.CallId, c.LaunchKey, now, campaign.Id, campaign.ProviderAssistantId, campaign.ProviderPhoneNumberId,
            campaign.PhoneLineId, c.Contact.Id, c.Contact.Name, c.Contact.BusinessName, c.Contact.Phone, c.Contact.ExtraJson, c.Contact.Extension)).ToList();
    }

    /// <summary>The next <paramref name="room"/> due contacts in file order (one query shape, so the warm-up compiles it).</summary>
    private static IQueryable<DueContact> DueContacts(IQueryable<Contact> due, int room)
        => due.OrderBy(x => x.RowNumber).Take(room).Select(x => new DueContact(x.Id, x.Attempts, x.Name, x.BusinessName, x.Phone, x.ExtraJson, x.Extension));
}

/// <summary>Everything needed to place one call, read in the claim transaction.</summary>
public sealed record LaunchItem(long CallId, string LaunchKey, DateTime CreatedAt, long CampaignId, string ProviderAssistantId, string ProviderPhoneNumberId,
    long PhoneLineId, long ContactId, string Name, string BusinessName, string Phone, string? ExtraJson, string? Extension = null);

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
