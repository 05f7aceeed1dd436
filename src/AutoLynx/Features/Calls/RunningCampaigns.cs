namespace AutoLynx.Features.Calls;

/// <summary>
/// Campaigns this instance has already moved to RUNNING: the transition happens once (resume restores RUNNING
/// itself), so later webhooks skip the UPDATE.
/// </summary>
public sealed class RunningCampaigns
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, bool> _ids = new();
    public bool Contains(long id) => _ids.ContainsKey(id);
    public void Add(long id) => _ids.TryAdd(id, true);
}
