using System.Diagnostics;
using System.Threading.Channels;
using AutoLynx.Data;
using AutoLynx.Features.Engine;

namespace AutoLynx.Features.Calls;

/// <summary>
/// Stores accepted webhooks durably before they are answered, several per transaction (group commit): webhooks that
/// arrive together share one commit instead of queueing for the database one by one. On the leader the same
/// transaction also applies them (fenced by the lease, under the processor's apply lock, so calls are still changed
/// by one applier at a time), which takes a whole transaction and the inbox wait off the path from "call ended" to
/// the next POST /call. If applying fails, or this instance does not lead, the rows are stored unapplied and the
/// processor applies them. If the database cannot store them at all, each waiting request gets the failure (a 503),
/// never silence, and the loop carries on with the next webhooks.
/// </summary>
public sealed class WebhookIntake(IServiceScopeFactory scopes, EngineLease lease, LeaderWrites writes, SqliteWriteGate gate,
    WebhookProcessor processor, WebhookInboxSignal inboxSignal, ILogger<WebhookIntake> logger) : BackgroundService
{
    private const int MaxBatch = 100;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Completes once the row is committed (never before): only then may the webhook be answered 2xx. Throws when it could not be stored.</summary>
    public Task StoreAsync(WebhookInboxItem row, CancellationToken ct)
    {
        var pending = new Pending(row);
        if (!_queue.Writer.TryWrite(pending)) throw new WebhookNotStoredException("The webhook intake has stopped.", null);
        return pending.Stored.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var p)) batch.Add(p);
                try
                {
                    await StoreBatchAsync(batch, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Whatever went wrong, every request of this batch gets an answer and the loop goes on.
                    logger.LogError(ex, "Storing {Count} webhooks failed", batch.Count);
                    foreach (var p in batch) p.Stored.TrySetException(new WebhookNotStoredException("The webhook could not be stored.", ex));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        _queue.Writer.TryComplete();
        foreach (var p in batch) p.Stored.TrySetCanceled(stoppingToken);
        while (_queue.Reader.TryRead(out var left)) left.Stored.TrySetCanceled(stoppingToken);
    }

    private async Task StoreBatchAsync(List<Pending> batch, CancellationToken ct)
    {
        if (lease.IsLeader && await TryStoreAndApplyAsync(batch, ct)) return;
        try
        {
            await StoreOnlyAsync(batch, ct);
            return;
        }
        catch (Exception ex) when (batch.Count > 1 && !ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Storing {Count} webhooks together failed; storing them one by one", batch.Count);
        }
        // Find the row that cannot be stored; the others must not fail with it.
        foreach (var p in batch)
        {
            try { await StoreOnlyAsync([p], ct); }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                p.Stored.TrySetException(new WebhookNotStoredException("The webhook could not be stored.", ex));
            }
        }
    }

    private async Task<bool> TryStoreAndApplyAsync(List<Pending> batch, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var applier = scope.ServiceProvider.GetRequiredService<WebhookApplier>();
        var applied = new AppliedBatch();
        var rows = batch.Select(p => p.Copy()).ToList();
        try
        {
            using (await processor.ApplyLockAsync(ct))
            {
                await writes.RunAsync(db, async () =>
                {
                    db.WebhookInbox.AddRange(rows);
                    await db.SaveChangesAsync(ct);
                    await applier.PrefetchAsync(rows, ct);
                    foreach (var row in rows) await applier.ApplyAsync(row, applied, ct);
                }, ct, urgent: true);
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            if (ex is not LeaseLostException) logger.LogWarning(ex, "Applying {Count} webhooks on arrival failed; storing them for the processor", batch.Count);
            return false;
        }
        foreach (var p in batch) p.Stored.TrySetResult();
        if (rows.Any(r => r.ProcessedAt is null)) inboxSignal.WakeLocal(); // a call not known yet: the processor retries it
        processor.Applied(applied, rows.Select(r => r.ReceivedAt).ToList(), started);
        return true;
    }

    private async Task StoreOnlyAsync(List<Pending> batch, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.WebhookInbox.AddRange(batch.Select(p => p.Copy()));
        using (await gate.EnterAsync(ct, urgent: true)) await db.SaveChangesAsync(ct);
        foreach (var p in batch) p.Stored.TrySetResult();
        inboxSignal.Wake();
    }

    private sealed class Pending(WebhookInboxItem row)
    {
        public TaskCompletionSource Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>A fresh entity per attempt: a failed SaveChanges leaves keys and state on the one it tried.</summary>
        public WebhookInboxItem Copy() => new()
        {
            ReceivedAt = row.ReceivedAt, Body = row.Body, MessageType = row.MessageType, ProviderCallId = row.ProviderCallId, TraceParent = row.TraceParent,
        };
    }
}
