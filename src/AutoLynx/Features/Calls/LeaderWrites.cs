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
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly bool _enabled = database.Provider == DatabaseProvider.Sqlite;

    public async ValueTask<Held> EnterAsync(CancellationToken ct)
    {
        if (!_enabled) return default;
        var started = Stopwatch.GetTimestamp();
        var entered = await _gate.WaitAsync(MaxWait, ct);
        metrics.GateWait.Record(EngineMetrics.Ms(started));
        return new Held(entered ? _gate : null);
    }

    public readonly struct Held(SemaphoreSlim? gate) : IDisposable
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

    public async Task<T> RunAsync<T>(AppDbContext db, Func<Task<T>> work, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null) return await work(); // the outer transaction is fenced already
        using var held = await gate.EnterAsync(ct);
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

    public Task RunAsync(AppDbContext db, Func<Task> work, CancellationToken ct)
        => RunAsync(db, async () => { await work(); return true; }, ct);

    /// <summary>
    /// Inside a leader write: runs <paramref name="action"/> once the transaction has committed, with the Stopwatch
    /// timestamp taken just before the commit began. Never runs if the transaction rolls back or the commit fails.
    /// </summary>
    public static void AfterCommit(Action<long> action)
        => (Pending.Value ?? throw new InvalidOperationException("AfterCommit outside a leader write")).Add(action);
}
