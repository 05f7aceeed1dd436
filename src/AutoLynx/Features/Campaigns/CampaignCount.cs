using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Campaigns;

/// <summary>
/// A campaign's cached counts: how many of its contacts are in each (state, last outcome), and how many of its calls in
/// each (status, outcome, accepted by Vapi) with their cost. Database triggers (<see cref="CampaignCountTriggers"/>) keep
/// them in the same transaction as every insert, update and delete of a contact or a call, whoever makes it, so the
/// summary reads a few dozen rows instead of grouping a 100,000-contact campaign. A key may have several rows (on
/// PostgreSQL each statement appends its change, so writers never wait on one another's counter row); its count is
/// their sum, and <see cref="CampaignCountCompactor"/> folds them into one now and then.
/// </summary>
public sealed class CampaignCount
{
    public const string ContactSubject = "contact", CallSubject = "call";

    public long Id { get; set; }
    public long CampaignId { get; set; }
    /// <summary><see cref="ContactSubject"/> or <see cref="CallSubject"/>.</summary>
    public required string Subject { get; set; }
    /// <summary>The contact's state or the call's status, as stored (enum name).</summary>
    public required string State { get; set; }
    /// <summary>The contact's last outcome or the call's outcome (enum name); empty when none.</summary>
    public string Outcome { get; set; } = "";
    /// <summary>Calls: Vapi accepted it (a provider id, and not refused at once for the account's concurrency limit).</summary>
    public bool Accepted { get; set; }
    public long N { get; set; }
    /// <summary>Calls: the sum of their cost in millionths of a dollar (exact in integers on both databases).</summary>
    public long CostMicros { get; set; }

    public static void Configure(ModelBuilder b, bool uniqueKey)
    {
        b.Entity<CampaignCount>(e =>
        {
            e.ToTable("campaign_counts");
            e.Property(x => x.Subject).HasMaxLength(8);
            e.Property(x => x.State).HasMaxLength(16);
            e.Property(x => x.Outcome).HasMaxLength(32);
            // No foreign key: a campaign's rows go with it by trigger, after its contacts' and calls' deletes noted theirs.
            var key = e.HasIndex(x => new { x.CampaignId, x.Subject, x.State, x.Outcome, x.Accepted });
            // SQLite has one writer at a time: its triggers update the key's one row in place (an upsert needs it unique).
            if (uniqueKey) key.IsUnique();
        });
    }
}
