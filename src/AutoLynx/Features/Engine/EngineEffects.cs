using AutoLynx.Features.Calls;

namespace AutoLynx.Features.Engine;

/// <summary>
/// The one set of things that happen after a transaction that changed calls has committed, the same for every path
/// (launch, resolver, webhook, reconciler): released slots come off the active counts, the dispatcher is woken, the
/// campaigns are offered to <see cref="CampaignCompletions"/>, and live events are published — in that order, so a
/// freed slot is refilled while pages re-render. <see cref="EngineTransitions"/> records into the current leader
/// write's <see cref="EffectBatch"/>; <see cref="LeaderWrites"/> runs it on commit and drops it on rollback.
/// </summary>
public sealed class EngineEffects(ActiveCallCounts counts, DispatcherSignal dispatcher, CampaignEventHub hub, CampaignCompletions completions,
    EngineMetrics metrics)
{
    /// <summary>A call stopped being active in the current leader write.</summary>
    public void Released(long campaignId, long lineId, long callId, CallStatus status, DateTime at)
    {
        var batch = LeaderWrites.CurrentEffects;
        batch.Releases.Add((campaignId, lineId));
        batch.Changed(CampaignChange.ForCall(campaignId, callId, status, at));
    }

    /// <summary>
    /// A call became active again (the provider reports a call we thought was not placed). Counted at once, so the
    /// counts are never too low; if the transaction rolls back they are rebuilt.
    /// </summary>
    public void Activated(long campaignId, long lineId, long callId, CallStatus status, DateTime at)
    {
        var batch = LeaderWrites.CurrentEffects;
        counts.Claimed(campaignId, lineId, 1);
        batch.CountsRaised = true;
        batch.Changed(CampaignChange.ForCall(campaignId, callId, status, at));
    }

    /// <summary>A call changed in a way pages show (a status, the end-of-call report's details).</summary>
    public void Changed(long campaignId, long callId, CallStatus status, DateTime at)
        => LeaderWrites.CurrentEffects.Changed(CampaignChange.ForCall(campaignId, callId, status, at));

    /// <summary>Contacts of the campaign now wait or were skipped (their hours, the do-not-call list…): pages show why.</summary>
    public void ContactsChanged(long campaignId) => LeaderWrites.CurrentEffects.Changed(new CampaignChange(campaignId, ChangeKind.Updated));

    /// <summary>An ended call's end-of-call report arrived: its campaign may complete now (it waited for the report).</summary>
    public void Reported(long campaignId) => LeaderWrites.CurrentEffects.Completions.Add(campaignId);

    /// <summary>Something freed room without ending a call (a contact given back): wake the dispatcher.</summary>
    public void Wake() => LeaderWrites.CurrentEffects.Wake = true;

    internal void Committed(EffectBatch batch, long commitStarted)
    {
        foreach (var (campaign, line) in batch.Releases) counts.Released(campaign, line, commitStarted);
        if (batch.Releases.Count > 0)
        {
            metrics.SlotFreed();
            foreach (var (campaign, _) in batch.Releases) completions.Request(campaign);
        }
        foreach (var campaign in batch.Completions) completions.Request(campaign);
        if (batch.Releases.Count > 0 || batch.Wake) dispatcher.Wake();
        foreach (var (change, madeIn) in batch.Changes)
        {
            using var span = WebhookTrace.StartPublish(madeIn, change);
            hub.Publish(change);
        }
    }

    internal void RolledBack(EffectBatch batch)
    {
        if (batch.CountsRaised) counts.Invalidate();
    }
}
