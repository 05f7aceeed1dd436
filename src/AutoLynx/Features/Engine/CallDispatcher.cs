using AutoLynx.Data;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Compliance;
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
    ActiveCallCounts counts, CampaignCompletions completions, CallLauncher launcher, CallPacing pacing, ILogger<CallDispatcher> logger) : BackgroundService
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
    private DateTime? _pacedUntil;
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
        DateTimeOffset? Utc(DateTime? d) => d is { } v ? new DateTimeOffset(v, TimeSpan.Zero) : null;
        foreach (var at in new[] { Utc(_nextDue), Utc(_pacedUntil), providerLimits.PostsAllowedAt })
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
            await CampaignDialer.DueContacts(CampaignDialer.Due(db, -1, now), room).ToListAsync(ct);
            var batch = -1;
            await CampaignDialer.DueContacts(CampaignDialer.Due(db, -1, now).Where(x => x.BatchIndex == batch), room).ToListAsync(ct);
            await CampaignDialer.BatchStateAsync(db, -1, now, ct);
            await CampaignDialer.BatchStartedAsync(db, -1, 0, ct);
            await scope.ServiceProvider.GetRequiredService<ClaimGuard>().CheckAsync(CampaignPolicy.Default,
                [new DueContact(-1, 0, "n", "b", "+10000000000", null)], now, ct);
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

    /// <summary>Every campaign that may place calls, with its assistant and main line: one query.</summary>
    private static Task<List<DialableCampaign>> DialableAsync(AppDbContext db, CancellationToken ct)
    {
        var dialable = Campaign.Dialable;
        return (from c in db.Campaigns.AsNoTracking()
                join a in db.Assistants.AsNoTracking() on c.AssistantId equals a.Id
                where dialable.Contains(c.Status)
                orderby c.Id
                select new DialableCampaign(c.Id, c.Cap, c.Mode, c.LineQuietGating, a.ProviderAssistantId, c.PhoneLineId, c.PolicyJson, c.EndAt))
            .ToListAsync(ct);
    }

    /// <summary>The earliest moment something falls due: a waiting contact (a retry, calling hours), a scheduled start or end.</summary>
    private static async Task<DateTime?> NextDueAsync(AppDbContext db, IReadOnlyCollection<long> campaignIds, DateTime now, CancellationToken ct)
    {
        var contact = await db.Contacts.Where(x => campaignIds.Contains(x.CampaignId) && x.State == ContactState.Pending && x.NextAttemptAt > now)
            .MinAsync(x => x.NextAttemptAt, ct);
        var start = await db.Campaigns.Where(c => c.Status == CampaignStatus.Created && c.StartAt > now).MinAsync(c => c.StartAt, ct);
        var end = await db.Campaigns.Where(c => campaignIds.Contains(c.Id) && c.EndAt > now).MinAsync(c => c.EndAt, ct);
        return new[] { contact, start, end }.Where(d => d is not null).Min();
    }

    private readonly Dictionary<long, (string? Json, CampaignPolicy Policy)> _policies = [];

    private CampaignPolicy PolicyOf(DialableCampaign c)
    {
        if (_policies.TryGetValue(c.Id, out var cached) && cached.Json == c.PolicyJson) return cached.Policy;
        var policy = PolicyReader.Deserialize(c.PolicyJson);
        _policies[c.Id] = (c.PolicyJson, policy);
        return policy;
    }

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
        var guards = scope.ServiceProvider.GetRequiredService<CampaignGuards>();
        var dialer = scope.ServiceProvider.GetRequiredService<CampaignDialer>();
        var now = time.GetUtcNow().UtcDateTime;

        // A new lease term, something uncertain, or simply time: read the active calls from the database again.
        if (!counts.IsCurrent(term)) await counts.RebuildAsync(db, term, ct);
        await CompleteFinishedAsync(db, campaigns, guards, ct);
        await guards.StartScheduledAsync(now, ct);
        var running = await DialableAsync(db, ct);
        _nextDue = await NextDueAsync(db, running.Select(c => c.Id).ToList(), now, ct);
        _pacedUntil = null;
        if (running.Count == 0 || providerLimits.PostsAllowedAt > time.GetUtcNow())
        {
            metrics.NothingToRefill(freed);
            return 0;
        }
        var o = options.CurrentValue;
        var accountCap = providerLimits.OutboundCap(o);
        var policies = running.ToDictionary(c => c.Id, PolicyOf);
        var lineIds = running.Select(c => c.PhoneLineId).Concat(policies.Values.SelectMany(p => p.PhoneLineIds)).Distinct().ToList();
        var lines = await db.PhoneLines.AsNoTracking().Where(l => lineIds.Contains(l.Id))
            .Select(l => new CampaignDialer.LineInfo(l.Id, l.ProviderPhoneNumberId, l.Number, l.MaxConcurrent, l.DailyCap, l.Active))
            .ToDictionaryAsync(l => l.Id, ct);
        var usedToday = await UsedTodayAsync(db, lines.Values.Where(l => l.DailyCap is not null).Select(l => l.Id).ToList(), now, ct);

        metrics.Room.Record(EngineMetrics.Ms(passStarted));
        var launches = new List<LaunchItem>();
        var gateWaiting = false;
        foreach (var campaign in running)
        {
            var policy = policies[campaign.Id];
            var turn = await dialer.TurnAsync(campaign, policy, lines, usedToday, accountCap, now, term, ct);
            launches.AddRange(turn.Launches);
            gateWaiting |= turn.GateWaiting;
            if (turn.Paced)
            {
                var at = now + pacing.NextStartIn(policy.CallStartsPerSecond);
                if (_pacedUntil is null || at < _pacedUntil) _pacedUntil = at;
            }
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

    /// <summary>Calls placed today (UTC) on lines that have a daily cap, over every campaign.</summary>
    private static async Task<Dictionary<long, int>> UsedTodayAsync(AppDbContext db, List<long> capped, DateTime now, CancellationToken ct)
    {
        if (capped.Count == 0) return [];
        var day = now.Date;
        return await db.Calls.AsNoTracking().Where(c => capped.Contains(c.PhoneLineId) && c.CreatedAt >= day && c.ProviderCallId != null)
            .GroupBy(c => c.PhoneLineId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
    }

    /// <summary>
    /// Campaigns whose calls ended since the last pass: the failure breaker looks at their last calls, and each one that
    /// certainly has no call active is completed if nothing is left to dial.
    /// </summary>
    private async Task CompleteFinishedAsync(AppDbContext db, CampaignService campaigns, CampaignGuards guards, CancellationToken ct)
    {
        foreach (var id in completions.Drain())
        {
            await guards.BreakerAsync(id, ct);
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
}
