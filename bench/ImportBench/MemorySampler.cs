namespace ImportBench;

/// <summary>Samples the process working set and the managed heap every 10 ms; keeps the peaks.</summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    public long PeakWorkingSet { get; private set; }
    public long PeakManagedHeap { get; private set; }

    public MemorySampler() => _loop = Task.Run(LoopAsync);

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        do
        {
            PeakWorkingSet = Math.Max(PeakWorkingSet, Environment.WorkingSet);
            PeakManagedHeap = Math.Max(PeakManagedHeap, GC.GetTotalMemory(false));
        }
        while (await timer.WaitForNextTickAsync(_stop.Token).AsTask().ContinueWith(t => !t.IsCanceled && t.Result));
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
        _stop.Dispose();
    }
}
