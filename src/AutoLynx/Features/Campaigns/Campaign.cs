namespace AutoLynx.Features.Campaigns;

/// <summary>A list of contacts called with one assistant over one phone line, under a concurrency cap.</summary>
public sealed class Campaign
{
    public long Id { get; set; }
    public required string Name { get; set; }
    /// <summary>User id of the owner (operators see their own campaigns).</summary>
    public string? OwnerId { get; set; }
    public long AssistantId { get; set; }
    public long PhoneLineId { get; set; }
    public DialMode Mode { get; set; }
    public int Cap { get; set; }
    /// <summary>Batch mode: also wait for the line to be quiet at the provider before the next batch.</summary>
    public bool LineQuietGating { get; set; }
    public CampaignStatus Status { get; set; }
    /// <summary>Why the engine PAUSED the campaign, in words for the operator.</summary>
    public string? StatusReason { get; set; }

    public int TotalContacts { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime? QueuedAt { get; set; }
    public DateTime? DialingAt { get; set; }
    public DateTime? RunningAt { get; set; }
    public DateTime? PausedAt { get; set; }
    public DateTime? StoppedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public long Version { get; set; }

    /// <summary>States in which the dispatcher places calls.</summary>
    public static readonly CampaignStatus[] Dialable = [CampaignStatus.Queued, CampaignStatus.Dialing, CampaignStatus.Running];

    /// <summary>States from which the campaign may still place calls (its assistant must stay in the directory).</summary>
    public static readonly CampaignStatus[] Unfinished =
        [CampaignStatus.Created, CampaignStatus.Queued, CampaignStatus.Dialing, CampaignStatus.Running, CampaignStatus.Paused];
}
