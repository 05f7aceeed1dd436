using System.Threading.Channels;

namespace AutoLynx.Features.Contacts;

/// <summary>
/// Lets the importer parse the next batch while the previous one is being stored: the writes run on their own task,
/// at most two batches behind (memory stays bounded). On two cores this overlaps parsing and storing. Whatever fails
/// first (a write, the file) stops both, and <see cref="DisposeAsync"/> returns only once no write is running, so the
/// caller's transaction is never rolled back under a write.
/// </summary>
public sealed class ContactWritePipeline : IAsyncDisposable
{
    private readonly Channel<IReadOnlyList<ImportedContact>> _queue =
        Channel.CreateBounded<IReadOnlyList<ImportedContact>>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop;
    private readonly Task _writer;

    public ContactWritePipeline(Func<IReadOnlyList<ImportedContact>, CancellationToken, Task> write, CancellationToken ct)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var token = _stop.Token;
        _writer = Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in _queue.Reader.ReadAllAsync(token)) await write(batch, token);
            }
            catch
            {
                _stop.Cancel();   // unblocks the importer if it waits for room in the queue
                throw;
            }
        }, CancellationToken.None);
    }

    /// <summary>The importer's sink: queues the batch (waits while two are queued).</summary>
    public async Task WriteAsync(IReadOnlyList<ImportedContact> batch, CancellationToken ct)
    {
        try
        {
            await _queue.Writer.WriteAsync(batch, _stop.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Not the caller's cancellation: a write failed and stopped the queue. Throw what the write threw.
            await _writer;
            throw;
        }
    }

    /// <summary>Waits until every queued batch is stored (and throws what a write threw).</summary>
    public async Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_writer.IsCompleted)
        {
            _queue.Writer.TryComplete();
            _stop.Cancel();
        }
        try { await _writer; }
        catch (Exception) when (_stop.IsCancellationRequested) { }   // already reported by WriteAsync/CompleteAsync, or abandoned
        _stop.Dispose();
    }
}
