using System.Diagnostics;
using AutoLynx.Data;

namespace AutoLynx.Features.Engine;

/// <summary>
/// Every write the leader's background work makes goes through here: one transaction that first checks (SQLite: extends) the engine
/// lease conditionally (<see cref="EngineLease.FenceAsync"/>). No row → roll back and <see cref="LeaseLostException"/>.
/// On PostgreSQL the check reads the lease row FOR KEY SHARE, held until commit, and a takeover locks the row FOR UPDATE
/// first, so another instance cannot take the lease over in the middle of our transaction: every committed write
/// happened while we led. (Every instance must run this version: an older one takes over with a plain UPDATE, which does
/// not wait for the share locks. Upgrade all instances together; docs/operations.md says so.) The transaction carries an
/// <see cref="EffectBatch"/>: what <see cref="EngineTransitions"/> changed is acted on by <see cref="EngineEffects"/>
/// once it commits, never if it rolls back.
/// </summary>
public sealed class LeaderWrites(EngineLease lease, SqliteWriteGate gate, EngineEffects effects)
{
    private static readonly AsyncLocal<EffectBatch?> Pending = new();

    /// <summary>The effect batch of the leader write in progress (flows into the work through the async context).</summary>
    public static EffectBatch CurrentEffects => Pending.Value ?? throw new InvalidOperationException("Engine transitions run inside a leader write.");

    /// <summary>True inside a leader write.</summary>
    public static bool InLeaderWrite => Pending.Value is not null;

    /// <param name="urgent">On the refill path (a webhook that may end a call, a claim): served first on SQLite's write gate.</param>
    public async Task<T> RunAsync<T>(AppDbContext db, Func<Task<T>> work, CancellationToken ct, bool urgent = false)
    {
        if (db.Database.CurrentTransaction is not null && Pending.Value is not null) return await work(); // the outer transaction is fenced already
        using var held = await gate.EnterAsync(ct, urgent);
        var outer = Pending.Value;
        var batch = new EffectBatch();
        Pending.Value = batch;
        var committed = false;
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await lease.FenceAsync(db, ct);
            var result = await work();
            var commitStarted = Stopwatch.GetTimestamp();
            await tx.CommitAsync(ct);
            committed = true;
            effects.Committed(batch, commitStarted);
            return result;
        }
        finally
        {
            if (!committed) effects.RolledBack(batch);
            Pending.Value = outer;
        }
    }

    public Task RunAsync(AppDbContext db, Func<Task> work, CancellationToken ct, bool urgent = false)
        => RunAsync(db, async () => { await work(); return true; }, ct, urgent);
}
