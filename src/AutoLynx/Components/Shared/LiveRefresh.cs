using AutoLynx.Features.Calls;

namespace AutoLynx.Components.Shared;

/// <summary>
/// Re-reads a page's data when the hub reports a change, at most every <see cref="MinInterval"/> (or the interval
/// given): a burst of webhooks becomes one refresh, and the last change is never missed.
/// </summary>
public sealed class LiveRefresh : IDisposable
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(250);
    private readonly Func<Task> _refresh;
    private readonly TimeSpan _interval;
    private readonly IDisposable _subscription;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _pending;
    private bool _disposed;

    /// <param name="interval">Longer than <see cref="MinInterval"/> for pages whose refresh costs more (analytics, line health).</param>
    public LiveRefresh(CampaignEventHub hub, long? campaignId, Func<Task> refresh, TimeSpan? interval = null)
    {
        _refresh = refresh;
        _interval = interval ?? MinInterval;
        _subscription = hub.Subscribe(campaignId, _ => OnChange());
    }

    private async Task OnChange()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 1) return;
        await _gate.WaitAsync();
        try
        {
            await Task.Delay(_interval);
            Interlocked.Exchange(ref _pending, 0);
            if (!_disposed) await _refresh();
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _subscription.Dispose();
    }
}
