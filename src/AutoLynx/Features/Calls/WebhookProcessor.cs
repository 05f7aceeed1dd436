using System.Diagnostics;
using AutoLynx.Data;
using AutoLynx.Features.Engine;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Calls;

/// <summary>
/// Applies stored webhooks in arrival order, a batch per transaction (fenced by the engine lease). A row whose call
/// is not known yet (the webhook beat the POST /call answer) is retried with backoff; after <see cref="MaxAttempts"/>
/// it is set aside with the reason. A batch that fails is applied again one row per transaction, so one bad row
/// cannot hold up the others. What the applied webhooks changed is acted on by <see cref="EngineEffects"/> on commit.
/// </summary>
public sealed class WebhookProcessor(IServiceScopeFactory scopes, WebhookInboxSignal signal, TimeProvider time, EngineLease lease, LeaderWrites writes,
    EngineMetrics metrics, ILogger<WebhookProcessor> logger) : BackgroundService
{
    public const int MaxAttempts = 40;
    private const int BatchSize = 200;
    private readonly SemaphoreSlim _applyLock = new(1, 1);

    /// <summary>One applier at a time changes calls (the processor here, or the intake applying on arrival).</summary>
    public async Task<IDisposable> ApplyLockAsync(CancellationToken ct)
    {
        await _applyLock.WaitAsync(ct);
        return new Release(_applyLock);
    }

    private sealed class Release(SemaphoreSlim s) : IDisposable
    {
        private int _done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) s.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await lease.WaitForLeadershipAsync(stoppingToken);
                while (await ProcessBatchAsync(stoppingToken) == BatchSize) { }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (LeaseLostException) { /* wait for leadership again */ }
            catch (Exception ex)
            {
                logger.LogError(ex, "Webhook processing pass failed; retrying");
            }
            try { await signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>Processes due inbox rows, oldest first. Returns how many rows it looked at.</summary>
    public async Task<int> ProcessBatchAsync(CancellationToken ct)
    {
        if (!lease.IsLeader) return 0;
        List<long> ids;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var now = time.GetUtcNow().UtcDateTime;
            ids = await db.WebhookInbox.AsNoTracking()
                .Where(x => x.ProcessedAt == null && (x.NextAttemptAt == null || x.NextAttemptAt <= now))
                .OrderBy(x => x.Id).Take(BatchSize).Select(x => x.Id).ToListAsync(ct);
        }
        if (ids.Count == 0) return 0;
        try
        {
            await ApplyAsync(ids, ct);
        }
        catch (Exception ex) when (ex is not LeaseLostException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Applying a batch of {Count} webhooks failed; applying them one by one", ids.Count);
            foreach (var id in ids) await ApplyOneAsync(id, ct);
        }
        return ids.Count;
    }

    private async Task ApplyAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var applier = scope.ServiceProvider.GetRequiredService<WebhookApplier>();
        var started = Stopwatch.GetTimestamp();
        var batch = new AppliedBatch();
        List<DateTime> stored;
        using (await ApplyLockAsync(ct))
        {
            stored = await writes.RunAsync(db, async () =>
            {
                var rows = await db.WebhookInbox.Where(x => ids.Contains(x.Id) && x.ProcessedAt == null).OrderBy(x => x.Id).ToListAsync(ct);
                await applier.PrefetchAsync(rows, ct);
                foreach (var row in rows) await applier.ApplyAsync(row, batch, ct);
                return rows.Select(r => r.ReceivedAt).ToList();
            }, ct, urgent: true);
        }
        Applied(batch, stored, started);
    }

    /// <summary>One row in its own transaction; a failure is counted on the row and retried later. Never throws but for the lease.</summary>
    private async Task ApplyOneAsync(long id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var applier = scope.ServiceProvider.GetRequiredService<WebhookApplier>();
        var started = Stopwatch.GetTimestamp();
        var batch = new AppliedBatch();
        try
        {
            List<DateTime> stored;
            using (await ApplyLockAsync(ct))
            {
                stored = await writes.RunAsync(db, async () =>
                {
                    var row = await db.WebhookInbox.FirstOrDefaultAsync(x => x.Id == id && x.ProcessedAt == null, ct);
                    if (row is not null) await applier.ApplyAsync(row, batch, ct);
                    return row is null ? new List<DateTime>() : [row.ReceivedAt];
                }, ct);
            }
            Applied(batch, stored, started);
        }
        catch (Exception ex) when (ex is not LeaseLostException && !ct.IsCancellationRequested)
        {
            try
            {
                // The same event stored first by another delivery: nothing to change.
                if (ex is DbUpdateException && await writes.RunAsync(db, () => applier.SetAsideIfDuplicateAsync(id, ct), ct)) return;
                logger.LogError(ex, "Webhook inbox row {InboxId} failed; will retry", id);
                var t = time.GetUtcNow().UtcDateTime;
                db.ChangeTracker.Clear();
                await writes.RunAsync(db, () => db.WebhookInbox.Where(x => x.Id == id).ExecuteUpdateAsync(u => u
                    .SetProperty(x => x.Attempts, x => x.Attempts + 1)
                    .SetProperty(x => x.NextAttemptAt, t.AddSeconds(5))
                    .SetProperty(x => x.ProcessedAt, x => x.Attempts + 1 >= MaxAttempts ? t : null)
                    .SetProperty(x => x.Error, ex.GetType().Name), ct), ct);
            }
            catch (Exception inner) when (inner is not LeaseLostException && !ct.IsCancellationRequested)
            {
                // The database itself is failing: the row stays unprocessed and the next pass tries it again.
                logger.LogError(inner, "Could not record the failure of webhook inbox row {InboxId}; the next pass retries it", id);
            }
        }
    }

    /// <summary>Timings of a committed batch (its effects ran on commit).</summary>
    public void Applied(AppliedBatch batch, List<DateTime> receivedAt, long started)
    {
        metrics.ApplyBatch.Record(EngineMetrics.Ms(started));
        metrics.ApplyBatchSize.Record(batch.Rows);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var at in receivedAt) metrics.InboxLag.Record((now - at).TotalMilliseconds);
    }
}
