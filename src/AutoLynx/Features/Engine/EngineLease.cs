using System.Diagnostics;
using AutoLynx.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace AutoLynx.Features.Engine;

/// <summary>
/// One leader runs the background work (dispatcher, inbox processor, reconciler) when several instances share one
/// PostgreSQL. The leader holds a lease row and renews it every few seconds; another instance takes over when it
/// expires. Expiry is judged on the database's clock (PostgreSQL <c>now()</c>), so instances whose clocks disagree
/// still agree on who leads; on SQLite there is one instance and its clock is the database's. The leader acts only
/// while its lease has a safe margin left, measured on its own monotonic clock from the moment it asked, so a leader
/// that was paused (GC, VM freeze) stops acting before anyone else can take over.
/// </summary>
public sealed class EngineLease(IServiceScopeFactory scopes, TimeProvider time, SqliteWriteGate gate, DatabaseInfo database,
    Microsoft.Extensions.Options.IOptionsMonitor<DialerOptions> options, EngineMetrics metrics, ILogger<EngineLease> logger) : BackgroundService
{
    public const string Name = "engine";
    private TimeSpan Ttl => options.CurrentValue.LeaseTtl;
    private TimeSpan RenewEvery => options.CurrentValue.LeaseRenewEvery;
    /// <summary>The leader stops acting this long before its lease expires (a third of it).</summary>
    private TimeSpan SafetyMargin => Ttl / 3;
    private bool OnPostgres => database.Provider == DatabaseProvider.Postgres;

    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Stopwatch timestamp until which this instance may act; written by the renew loop and by fenced writes.
    private long _actUntil;

    /// <summary>This instance's identity in the lease row.</summary>
    public string InstanceId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public bool IsLeader => Stopwatch.GetTimestamp() < Volatile.Read(ref _actUntil);

    private long _term;
    /// <summary>
    /// Changes every time this instance (re)gains the lease, so state the leader keeps in memory (active call counts,
    /// launches in flight) is judged per term: another leader may have acted in between.
    /// </summary>
    public long Term => Interlocked.Read(ref _term);

    /// <summary>Waits until this instance leads (checking every second). Background loops call it before each pass.</summary>
    public async Task WaitForLeadershipAsync(CancellationToken ct)
    {
        await _firstAttempt.Task.WaitAsync(ct);
        while (!IsLeader) await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Read from IsLeader itself: also false once a lease lapses because renewals fail (database down).
        metrics.Gauge("autolynx.lease.leader", () => IsLeader ? 1 : 0, "{bool}", "1 while this instance leads the background work");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TryAcquireAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not renew the engine lease");
            }
            _firstAttempt.TrySetResult();
            try { await Task.Delay(RenewEvery, time, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
        await ReleaseAsync();
    }

    /// <summary>Takes the lease if it is free or expired, renews it if ours. One conditional UPDATE: at most one winner.</summary>
    public async Task<bool> TryAcquireAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var asked = Stopwatch.GetTimestamp();
        var me = InstanceId;
        using var held = await gate.EnterAsync(ct);
        int n;
        if (OnPostgres)
        {
            // Renewing our own unexpired lease changes expires_at only: it never waits for fenced writes (see FenceAsync).
            n = await db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE leases SET expires_at = now() + {Ttl} WHERE name = {Name} AND owner = {me} AND expires_at > now()", ct);
            if (n == 0) n = await TakeOverAsync(db, me, ct);
            if (n == 0)
                n = await db.Database.ExecuteSqlInterpolatedAsync(
                    $"INSERT INTO leases (name, owner, expires_at) VALUES ({Name}, {me}, now() + {Ttl}) ON CONFLICT (name) DO NOTHING", ct);
        }
        else
        {
            var now = time.GetUtcNow().UtcDateTime;
            var expires = now + Ttl;
            n = await db.Leases.Where(l => l.Name == Name && (l.Owner == me || l.ExpiresAt < now))
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, me).SetProperty(l => l.ExpiresAt, expires), ct);
            if (n == 0 && !await db.Leases.AnyAsync(l => l.Name == Name, ct))
            {
                db.Leases.Add(new Lease { Name = Name, Owner = me, ExpiresAt = expires });
                try { await db.SaveChangesAsync(ct); n = 1; }
                catch (DbUpdateException) { n = 0; /* another instance inserted it first */ }
            }
        }
        var wasLeader = IsLeader;
        if (n == 1 && !wasLeader) Interlocked.Increment(ref _term);
        // Measured from when we asked, not when we got the answer: a slow round trip shortens our window.
        Volatile.Write(ref _actUntil, n == 1 ? ActUntil(asked) : 0);
        if (IsLeader != wasLeader)
        {
            metrics.LeaseChanges.Add(1, new KeyValuePair<string, object?>("change", IsLeader ? "acquired" : "lost"));
            logger.LogInformation(IsLeader ? "This instance ({Instance}) now leads the background work" : "This instance ({Instance}) no longer leads", me);
        }
        return n == 1;
    }

    /// <summary>
    /// The lease changes hands only with its row locked FOR UPDATE, which waits for every fenced write under way (their
    /// FOR KEY SHARE locks) and makes every later fence see the new owner. In one transaction, so the lock is held
    /// until the new owner is written.
    /// </summary>
    private async Task<int> TakeOverAsync(AppDbContext db, string me, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await CountAsync(db, $"SELECT 1 FROM leases WHERE name = @name AND (owner = @me OR expires_at < now()) FOR UPDATE", me, ct) == 0) return 0;
        var n = await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE leases SET owner = {me}, expires_at = now() + {Ttl} WHERE name = {Name} AND (owner = {me} OR expires_at < now())", ct);
        await tx.CommitAsync(ct);
        return n;
    }

    /// <summary>Rows a locking SELECT on the lease row found, on the context's connection and transaction.</summary>
    private static async Task<int> CountAsync(AppDbContext db, string sql, string me, CancellationToken ct)
    {
        var conn = db.Database.GetDbConnection();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var (name, value) in new[] { ("name", Name), ("me", me) })
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        var rows = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows++;
        return rows;
    }

    /// <summary>
    /// Inside a leader write's transaction: checks that the lease is still ours and unexpired, else throws
    /// <see cref="LeaseLostException"/> (the caller's transaction rolls back) and this instance stops acting at once.
    /// On PostgreSQL the check locks the lease row FOR KEY SHARE until the transaction ends: fenced writes share it (they
    /// used to take turns on a row lock, one transaction and its commit at a time, which capped the engine at a few
    /// hundred writes a second), the owner's renewal (an UPDATE of expires_at) does not wait for them, and a takeover
    /// (<see cref="TakeOverAsync"/>, FOR UPDATE) waits until they have committed. On SQLite (one instance, one writer at a
    /// time) the fence extends the lease as it checks it.
    /// </summary>
    public async Task FenceAsync(AppDbContext db, CancellationToken ct)
    {
        var asked = Stopwatch.GetTimestamp();
        var me = InstanceId;
        int n;
        if (OnPostgres)
        {
            n = await CountAsync(db, "SELECT 1 FROM leases WHERE name = @name AND owner = @me AND expires_at > now() FOR KEY SHARE", me, ct);
        }
        else
        {
            var now = time.GetUtcNow().UtcDateTime;
            var expires = now + Ttl;
            n = await db.Leases.Where(l => l.Name == Name && l.Owner == me && l.ExpiresAt > now)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, expires), ct);
        }
        if (n != 1)
        {
            var was = IsLeader;
            Volatile.Write(ref _actUntil, 0);
            if (was)
            {
                metrics.LeaseChanges.Add(1, new KeyValuePair<string, object?>("change", "lost"));
                logger.LogWarning("This instance ({Instance}) lost the engine lease; its write was rolled back", me);
            }
            throw new LeaseLostException();
        }
        if (OnPostgres) return; // checked, not extended: the renewal loop keeps the lease
        var until = ActUntil(asked);
        long seen;
        while ((seen = Volatile.Read(ref _actUntil)) < until && Interlocked.CompareExchange(ref _actUntil, until, seen) != seen) { }
    }

    private long ActUntil(long asked) => asked + (long)((Ttl - SafetyMargin).TotalSeconds * Stopwatch.Frequency);

    private async Task ReleaseAsync()
    {
        if (!IsLeader) return;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var me = InstanceId;
            var past = DateTime.UnixEpoch;
            await db.Leases.Where(l => l.Name == Name && l.Owner == me).ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, past));
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Could not release the engine lease");
        }
        Volatile.Write(ref _actUntil, 0);
    }
}
