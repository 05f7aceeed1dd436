using System.Diagnostics;
using AutoLynx.Data;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Engine;

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
