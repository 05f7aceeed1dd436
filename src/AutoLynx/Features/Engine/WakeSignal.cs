namespace AutoLynx.Features.Engine;

/// <summary>A wake-up for a background loop: several wake-ups before the loop runs collapse into one pass.</summary>
public abstract class WakeSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <summary>Set on PostgreSQL: the wake-up also reaches the leader instance.</summary>
    public Action? Relay { get; set; }

    public void Wake()
    {
        WakeLocal();
        Relay?.Invoke();
    }

    public void WakeLocal()
    {
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); } catch (SemaphoreFullException) { }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
