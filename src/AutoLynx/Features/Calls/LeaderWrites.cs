using System.Diagnostics;
using AutoLynx.Data;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Calls;

/// <summary>
/// SQLite has one writer at a time, and Microsoft.Data.Sqlite meets a busy database by sleeping 150 ms and trying
/// again, so two of our own writers colliding cost a whole 150 ms (that was most of the refill latency). The engine's
/// writers and the webhook intake queue here instead, in order, without sleeping. On PostgreSQL it does nothing.
/// The gate only orders work: SQLite's own locking still guarantees correctness, and a writer that waits longer
/// than <see cref="MaxWait"/> (e.g. behind a long CSV import) goes ahead and lets SQLite decide.
/// </summary>
public sealed class SqliteWriteGate(DatabaseInfo database, EngineMetrics metrics)
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);
    private readonly bool _enabled = database.Provider == DatabaseProvider.Sqlite;
    private readonly Lock _lock = new();
    private bool _held;
    // Two FIFO queues: urgent writers (a webhook that may free a slot, the claim that refills it) go before the rest
    // (saving a provider id, renewing the lease, bookkeeping), which only wait while urgent ones are queued.
    private readonly LinkedList<TaskCompletionSource> _urgent = new();
    private readonly LinkedList<TaskCompletionSource> _normal = new();

    /// <param name="urgent">On the path from "a call ended" to "the next POST /call": served before other writers.</param>
    public async ValueTask<Held> EnterAsync(CancellationToken ct, bool urgent = false)
    {
        if (!_enabled) return default;
        var started = Stopwatch.GetTimestamp();
        LinkedListNode<TaskCompletionSource> node;
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                metrics.GateWait.Record(0);
                return new Held(this);
            }
            node = (urgent ? _urgent : _normal).AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        try
        {
            await node.Value.Task.WaitAsync(MaxWait, ct);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            bool granted;
            lock (_lock)
            {
                granted = node.List is null; // Release handed us the gate at the same moment
                node.List?.Remove(node);
            }
            if (ex is OperationCanceledException)
            {
                if (granted) Release();
                throw;
            }
            metrics.GateWait.Record(EngineMetrics.Ms(started));
            // Waited too long (a long CSV import holds the database): go ahead and let SQLite's own locking decide.
            return granted ? new Held(this) : default;
        }
        metrics.GateWait.Record(EngineMetrics.Ms(started));
        return new Held(this);
    }

    private void Release()
    {
        lock (_lock)
        {
            var next = _urgent.First ?? _normal.First;
            if (next is null)
            {
                _held = false;
                return;
            }
            next.List!.Remove(next);
            next.Value.TrySetResult(); // the gate passes straight to the next writer
        }
    }

    public readonly struct Held(SqliteWriteGate? gate) : IDisposable
    {
        public void Dispose() => gate?.Release();
    }
}

/// <summary>The leader no longer holds the engine lease: its write was rolled back and it must stop acting.</summary>
public sealed class LeaseLostException() : Exception("This instance no longer holds the engine lease; the write was rolled back.");

/// <summary>
/// Every write the leader's background work makes goes through here: one transaction that first extends the engine
/// lease conditionally (<c>UPDATE leases … WHERE owner = @me AND expires_at > @now</c>). No row → roll back and
/// <see cref="LeaseLostException"/>. On PostgreSQL the UPDATE also locks the lease row until commit, so another
/// instance cannot take the lease over in the middle of our transaction: every committed write happened while we led.
/// </summary>
public sealed class LeaderWrites(EngineLease lease, SqliteWriteGate gate)
{
    // The actions to run once the current leader write has committed (flows into the work through the async context).
    private static readonly AsyncLocal<List<Action<long>>?> Pending = new();

    /// <param name="urgent">On the refill path (a webhook that may end a call, a claim): served first on SQLite's write gate.</param>
    public async Task<T> RunAsync<T>(AppDbContext db, Func<Task<T>> work, CancellationToken ct, bool urgent = false)
    {
        if (db.Database.CurrentTransaction is not null) return await work(); // the outer transaction is fenced already
        using var held = await gate.EnterAsync(ct, urgent);
        var outer = Pending.Value;
        var afterCommit = new List<Action<long>>();
        Pending.Value = afterCommit;
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await lease.FenceAsync(db, ct);
            var result = await work();
            var commitStarted = Stopwatch.GetTimestamp();
            await tx.CommitAsync(ct);
            foreach (var action in afterCommit) action(commitStarted);
            return result;
        }
        finally
        {
            Pending.Value = outer;
        }
    }

    public Task RunAsync(AppDbContext db, Func<Task> work, CancellationToken ct, bool urgent = false)
        => RunAsync(db, async () => { await work(); return true; }, ct, urgent);

    /// <summary>
    /// Inside a leader write: runs <paramref name="action"/> once the transaction has committed, with the Stopwatch
    /// timestamp taken just before the commit began. Never runs if the transaction rolls back or the commit fails.
    /// </summary>
    public static void AfterCommit(Action<long> action)
        => (Pending.Value ?? throw new InvalidOperationException("AfterCommit outside a leader write")).Add(action);
}
