using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Analytics;

/// <summary>The rollup's tables. No foreign keys: a campaign's cells go when its calls go (the triggers note the deletes).</summary>
public static class CallStatsModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<CallStatsCell>(e =>
        {
            e.ToTable("call_stats");
            e.HasKey(x => new { x.CampaignId, x.Hour, x.PhoneLineId, x.LocalHour, x.Outcome });
            e.Property(x => x.Outcome).HasMaxLength(32);
            e.HasIndex(x => x.Hour);
        });
        b.Entity<CallStatsChange>(e => e.ToTable("call_stats_changes"));
    }
}
