namespace AutoLynx.Features.Analytics;

/// <summary>
/// "The calls of this campaign in this hour changed": appended by database triggers on <c>calls</c> (insert, delete,
/// update of what analytics reads) and on <c>contacts.time_zone</c>, in the same transaction as the change, whoever
/// makes it. <see cref="CallStatsRollup"/> consumes these rows and rebuilds those cells. Plain appends, no unique key,
/// so a trigger never waits for another transaction.
/// </summary>
public sealed class CallStatsChange
{
    public long Id { get; set; }
    public long CampaignId { get; set; }
    public DateTime Hour { get; set; }
}
