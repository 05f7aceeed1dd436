using System.Diagnostics;
using AutoLynx.Features.Calls;

namespace AutoLynx.Features.Engine;

/// <summary>What one leader write changed, acted on by <see cref="EngineEffects"/> once it commits.</summary>
public sealed class EffectBatch
{
    public List<(long Campaign, long Line)> Releases { get; } = [];
    /// <summary>Live updates to publish, each with the span it was made in (so its publish joins that trace).</summary>
    public List<(CampaignChange Change, ActivityContext MadeIn)> Changes { get; } = [];

    public void Changed(CampaignChange change) => Changes.Add((change, Activity.Current?.Context ?? default));
    /// <summary>Campaigns to offer for completion though no call was released (an end-of-call report arrived).</summary>
    public HashSet<long> Completions { get; } = [];
    public bool Wake { get; set; }
    public bool CountsRaised { get; set; }
}
