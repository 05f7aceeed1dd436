using AutoLynx.Features.Contacts;

namespace AutoLynx.Tests.Unit;

public sealed class ContactWritePipelineTests
{
    private static IReadOnlyList<ImportedContact> Batch(int n) => [new ImportedContact(n, "N", "B", "+1415555" + n.ToString("0000"), null)];

    [Fact]
    public async Task Complete_AllBatchesWrittenInOrder()
    {
        var written = new List<int>();
        await using var pipeline = new ContactWritePipeline(async (b, ct) => { await Task.Delay(1, ct); written.Add(b[0].Row); }, CancellationToken.None);
        for (var i = 0; i < 50; i++) await pipeline.WriteAsync(Batch(i), CancellationToken.None);
        await pipeline.CompleteAsync();
        Assert.Equal(Enumerable.Range(0, 50), written);
    }

    [Fact]
    public async Task FailingWrite_SurfacesToTheImporterNotAsCancellation()
    {
        // Many rounds: the failure races the importer's next queued batch; every interleaving must surface the write's error.
        for (var round = 0; round < 200; round++)
        {
            await using var pipeline = new ContactWritePipeline((b, _) =>
                b[0].Row == 3 ? throw new InvalidOperationException("disk full") : Task.CompletedTask, CancellationToken.None);
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            {
                for (var i = 0; i < 1000; i++) await pipeline.WriteAsync(Batch(i), CancellationToken.None);
                await pipeline.CompleteAsync();
            });
            Assert.Equal("disk full", ex.Message);
        }
    }

    [Fact]
    public async Task Dispose_AfterImporterFailed_WaitsForTheWriteInFlight()
    {
        var inFlight = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var finished = false;
        var pipeline = new ContactWritePipeline(async (_, _) =>
        {
            inFlight.TrySetResult();
            await release.Task;
            finished = true;
        }, CancellationToken.None);
        await pipeline.WriteAsync(Batch(1), CancellationToken.None);
        await inFlight.Task;
        var dispose = pipeline.DisposeAsync().AsTask();
        await Task.Delay(50);
        Assert.False(dispose.IsCompleted);   // the caller's rollback must wait
        release.SetResult();
        await dispose;
        Assert.True(finished);
    }
}
