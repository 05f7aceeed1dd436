using System.Collections.Concurrent;

namespace AutoLynx.Features.Engine;

/// <summary>
/// Campaigns that may have just finished (a call of theirs ended). The dispatcher drains this set at the start of
/// every pass and tries to complete each one there, on its own loop, where failures are caught and retried.
/// </summary>
public sealed class CampaignCompletions
{
    private readonly ConcurrentDictionary<long, bool> _requested = new();

    public void Request(long campaignId) => _requested.TryAdd(campaignId, true);

    public List<long> Drain()
    {
        var ids = _requested.Keys.ToList();
        foreach (var id in ids) _requested.TryRemove(id, out _);
        return ids;
    }
}
