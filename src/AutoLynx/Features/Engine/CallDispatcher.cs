using AutoLynx.Data;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Contacts;
using AutoLynx.Features.PhoneLines;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Engine;

/// <summary>
/// Keeps every running campaign's slots full. Runs on a periodic tick (with jitter), at once when woken (start,
/// resume, call ended, cap change), and when the next waiting contact falls due. Each pass: try to complete the
/// campaigns whose calls ended (<see cref="CampaignCompletions"/>), compute room from the leader's in-memory active
/// call counts (<see cref="ActiveCallCounts"/>), claim due contacts and write their call rows (LAUNCHING) in one
/// transaction through <see cref="EngineTransitions"/>, then POST /call for each through <see cref="CallLauncher"/>.
/// At shutdown it stops claiming and lets the POSTs under way finish (graceful drain).
/// </summary>
public sealed class CallDispatcher(
    IServiceScopeFactory scopes, DispatcherSignal signal, IOptionsMonitor<DialerOptions> options, IOptionsMonitor<VapiOptions> vapiOptions, TimeProvider time,
    ProviderLimits providerLimits, EngineLease lease, LeaderWrites writes, EngineMetrics metrics, LineQuietCheck lineQuiet,
    ActiveCallCounts counts, CampaignCompletions completions, CallLauncher launcher, ILogger<CallDispatcher> logger) : BackgroundService
{
    /// <summary>How soon a batch held back by line-quiet gating is looked at again (the outside call sends us no webhook).</summary>
    public static readonly TimeSpan GateRecheck = TimeSpan.FromSeconds(1);
    private volatile bool _gateWaiting;

    // Launches run on their own (one POST each): a pass never waits for them, their LAUNCHING rows already count
    // against every cap. Kept here so shutdown can let them finish.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, bool> _launches = new();
    // Cancelled only when a drain at shutdown has waited long enough; POSTs do not run on the stopping token.
    private readonly CancellationTokenSource _drain = new();
    private DateTime? _nextDue;
    private bool _warm;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await lease.WaitForLeadershipAsync(stoppingToken);
                if (!_warm) await WarmUpAsync(stoppingToken);
                _warm = true;
                // Keep passing while passes launch something: a pass bounded by room may leave work for the next.
                while (await DispatchOnceAsync(stoppingToken) > 0 && !stoppingToken.IsCancellationRequested) { }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (LeaseLostException) { continue; }
            catch (Exception ex)
            {
                logger.LogError(ex, "Dispatcher pass failed; retrying shortly");
                try { await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
            try { await SleepAsync(stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
        await DrainAsync();
    }

    /// <summary>Until the next tick, a wake-up, the next waiting contact falling due, the end of a 429 hold, or the counts' rebuild.</summary>
    private async Task SleepAsync(CancellationToken ct)
    {
        var o = options.CurrentValue;
        var tick = TimeSpan.FromSeconds(o.TickSeconds * (0.9 + Random.Shared.NextDouble() * 0.2));
        if (_gateWaiting && tick > GateRecheck) tick = GateRecheck;
        var now = time.GetUtcNow();
        foreach (var at in new[] { _nextDue is { } d ? new DateTimeOffset(d, TimeSpan.Zero) : (DateTimeOffset?)null, providerLimits.PostsAllowedAt })
            if (at is { } due && due > now && due - now + TimeSpan.FromMilliseconds(5) < tick) tick = due - now + TimeSpan.FromMilliseconds(5);
        if (!o.WakeUps)
        {
            await Task.Delay(tick, time, ct);
            return;
        }
        // The counts' periodic rebuild rides on a pass; it is due no later than this.
        var reconcile = counts.UntilReconcile() + TimeSpan.FromMilliseconds(1);
        await signal.WaitAsync(reconcile < tick ? reconcile : tick, ct);
    }

    /// <summary>Shutdown: no new claims; the POSTs under way finish and record their answers (bounded by the request timeout).</summary>
    private async Task DrainAsync()
    {
        var pending = _launches.Keys.ToList();
        if (pending.Count == 0) return;
        var limit = vapiOptions.CurrentValue.RequestTimeout + TimeSpan.FromSeconds(5);
        logger.LogInformation("Shutting down: letting {Count} POST /call finish (at most {Seconds} s)", pending.Count, limit.TotalSeconds);
        try { await Task.WhenAll(pending).WaitAsync(limit); }
        catch (TimeoutException)
        {
            await _drain.CancelAsync(); // what is unfinished stays LAUNCHING and is resolved by lookup at the next start
            try { await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(2)); } catch (Exception) { /* logged by the launches */ }
        }
        catch (Exception) { /* each launch logs its own failure */ }
    }

    public override void Dispose()
    {
        _drain.Dispose();
        base.Dispose();
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
            await NextDueAsync(db, [-1], now, ct);
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

    /// <summary>The earliest moment a waiting contact of these campaigns falls due (a retry, a give-back), if any.</summary>
    private static async Task<DateTime?> NextDueAsync(AppDbContext db, IReadOnlyCollection<long> campaignIds, DateTime now, CancellationToken ct)
        => await db.Contacts.Where(x => campaignIds.Contains(x.CampaignId) && x.State == ContactState.Pending && x.NextAttemptAt > now)
            .MinAsync(x => x.NextAttemptAt, ct);

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
        var transitions = scope.ServiceProvider.GetRequiredService<EngineTransitions>();
        var now = time.GetUtcNow().UtcDateTime;

        // A new lease term, something uncertain, or simply time: read the active calls from the database again.
        if (!counts.IsCurrent(term)) await counts.RebuildAsync(db, term, ct);
        await CompleteFinishedAsync(db, campaigns, ct);
        var running = await DialableAsync(db, ct);
        _nextDue = running.Count == 0 ? null : await NextDueAsync(db, running.Select(c => c.Id).ToList(), now, ct);
        if (running.Count == 0 || providerLimits.PostsAllowedAt > time.GetUtcNow())
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
            var claimed = await ClaimAsync(db, transitions, campaign, due, room, now, term, ct);
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
            var task = launcher.LaunchAsync(item, _drain.Token);
            _launches[task] = true;
            _ = task.ContinueWith(t => _launches.TryRemove(t, out _), TaskScheduler.Default);
        }
        return launches.Count;
    }

    /// <summary>Write-ahead: contacts → DIALING and call rows LAUNCHING with their launch keys, in one transaction, before any HTTP.</summary>
    private async Task<List<LaunchItem>> ClaimAsync(AppDbContext db, EngineTransitions transitions, DialableCampaign campaign, IQueryable<Contact> due, int room,
        DateTime now, long term, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        List<LaunchItem> result;
        try
        {
            result = await writes.RunAsync(db, () => ClaimInTransactionAsync(db, transitions, campaign, due, room, now, term, ct), ct, urgent: true);
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

    private async Task<List<LaunchItem>> ClaimInTransactionAsync(AppDbContext db, EngineTransitions transitions, DialableCampaign campaign, IQueryable<Contact> due,
        int room, DateTime now, long term, CancellationToken ct)
    {
        var contacts = await DueContacts(due, room).ToListAsync(ct);
        if (contacts.Count == 0) return [];
        var claimed = await transitions.ClaimAsync(campaign.Id, campaign.PhoneLineId, contacts, now, ct);
        if (claimed.Count > 0) logger.LogInformation("Claimed {Count} contacts of campaign {CampaignId}", claimed.Count, campaign.Id);
        return claimed.Select(c => new LaunchItem(c.CallId, c.LaunchKey, now, campaign.Id, campaign.ProviderAssistantId, campaign.ProviderPhoneNumberId,
            campaign.PhoneLineId, c.Contact.Id, c.Contact.Name, c.Contact.BusinessName, c.Contact.Phone, c.Contact.ExtraJson, term)).ToList();
    }

    /// <summary>Campaigns whose calls ended since the last pass: complete each one that certainly has no call active.</summary>
    private async Task CompleteFinishedAsync(AppDbContext db, CampaignService campaigns, CancellationToken ct)
    {
        foreach (var id in completions.Drain())
        {
            if (counts.IsValid ? !counts.CertainlyIdle(id) : await campaigns.HasActiveCallsAsync(id, ct)) continue;
            try
            {
                await writes.RunAsync(db, () => campaigns.TryCompleteAsync(id, ct), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                completions.Request(id); // tried again at the next pass
                throw;
            }
        }
    }

    /// <summary>The next <paramref name="room"/> due contacts in file order (one query shape, so the warm-up compiles it).</summary>
    private static IQueryable<DueContact> DueContacts(IQueryable<Contact> due, int room)
        => due.OrderBy(x => x.RowNumber).Take(room).Select(x => new DueContact(x.Id, x.Attempts, x.Name, x.BusinessName, x.Phone, x.ExtraJson));
}
