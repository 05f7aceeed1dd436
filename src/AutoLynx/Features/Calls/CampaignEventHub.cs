using System.Collections.Concurrent;

namespace AutoLynx.Features.Calls;

/// <summary>
/// In-process fan-out of campaign and call changes. Subscribers get a disposable subscription; a slow
/// subscriber never blocks the publisher (handlers run on the thread pool and exceptions are swallowed).
/// </summary>
public sealed class CampaignEventHub(ILogger<CampaignEventHub> logger)
{
    private readonly ConcurrentDictionary<Guid, Subscription> _subs = new();

    public IDisposable Subscribe(long? campaignId, Func<CampaignChange, Task> handler)
    {
        var sub = new Subscription(this, Guid.NewGuid(), campaignId, handler);
        _subs[sub.Key] = sub;
        return sub;
    }

    /// <summary>Set on PostgreSQL: forwards every change to the other instances (LISTEN/NOTIFY).</summary>
    public Action<CampaignChange>? Relay { get; set; }

    public void Publish(CampaignChange change)
    {
        PublishLocal(change);
        Relay?.Invoke(change);
    }

    /// <summary>Delivers to this instance's subscribers only (a change relayed from another instance).</summary>
    public void PublishLocal(CampaignChange change)
    {
        foreach (var sub in _subs.Values)
        {
            if (sub.CampaignId is { } id && id != change.CampaignId) continue;
            _ = Deliver(sub, change);
        }
    }

    private async Task Deliver(Subscription sub, CampaignChange change)
    {
        try { await sub.Handler(change); }
        catch (Exception ex) { logger.LogDebug(ex, "A live-update subscriber failed"); }
    }

    private sealed class Subscription(CampaignEventHub hub, Guid key, long? campaignId, Func<CampaignChange, Task> handler) : IDisposable
    {
        public Guid Key { get; } = key;
        public long? CampaignId { get; } = campaignId;
        public Func<CampaignChange, Task> Handler { get; } = handler;
        public void Dispose() => hub._subs.TryRemove(Key, out _);
    }
}
