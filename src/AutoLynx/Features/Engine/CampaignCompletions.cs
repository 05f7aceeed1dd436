using System.Collections.Concurrent;

namespace AutoLynx.Features.Engine;

/// <summary>
/// Campaigns that may have just finished (a call of theirs ended). The dispatcher drains this set at the start of
/// every pass and tries to complete each one there, on its own loop, where failures are caught and retried.
/// </summary>
public sealed class CampaignCompletions
{
    /// <summary>How often a campaign with no call live and no room (the account or its lines full) is looked at for completion.</summary>
    public static readonly TimeSpan IdleCheckEvery = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<long, bool> _requested = new();
    private readonly ConcurrentDictionary<long, DateTime> _idleChecked = new();
    private DateTime _swept;

    public void Request(long campaignId) => _requested.TryAdd(campaignId, true);

    /// <summary>
    /// A campaign with no call live gets no room because the account or its lines are full: whether to try completing it
    /// now (it may have nothing left to dial). At most once per <see cref="IdleCheckEvery"/> each: with a thousand campaigns
    /// waiting for the account, a try for each of them in every pass (a fenced transaction each) made a pass take seconds.
    /// A campaign whose last call ends is tried at once anyway (<see cref="Request"/>).
    /// </summary>
    public bool IdleCheckDue(long campaignId, DateTime now)
    {
        if (_idleChecked.TryGetValue(campaignId, out var last) && now - last < IdleCheckEvery && now >= last) return false;
        _idleChecked[campaignId] = now;
        // Campaigns no longer asked about (finished, paused, deleted) are forgotten once a minute.
        if (now - _swept > TimeSpan.FromMinutes(1))
        {
            _swept = now;
            foreach (var (id, at) in _idleChecked)
                if (now - at > TimeSpan.FromMinutes(1)) _idleChecked.TryRemove(id, out _);
        }
        return true;
    }

    public List<long> Drain()
    {
        var ids = _requested.Keys.ToList();
        foreach (var id in ids) _requested.TryRemove(id, out _);
        return ids;
    }
}
