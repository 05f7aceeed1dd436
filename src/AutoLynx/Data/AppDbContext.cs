using System.Text;
using AutoLynx.Features.Analytics;
using AutoLynx.Features.Assistants;
using AutoLynx.Features.Audit;
using AutoLynx.Features.Auth;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Engine;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Compliance;
using AutoLynx.Features.Contacts;
using AutoLynx.Features.Demo;
using AutoLynx.Features.PhoneLines;
using AutoLynx.Features.Webhooks;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AutoLynx.Data;

/// <summary>
/// The one schema. Each provider has a derived context (<see cref="SqliteAppDbContext"/>, <see cref="PostgresAppDbContext"/>)
/// so each keeps its own migrations; services depend on this base type. It also holds the ASP.NET Data Protection key ring
/// (<see cref="IDataProtectionKeyContext"/>), so cookies and protected secrets survive restarts and every instance shares them.
/// </summary>
public abstract class AppDbContext(DbContextOptions options) : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    public DbSet<AllowlistEntry> Allowlist => Set<AllowlistEntry>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<Assistant> Assistants => Set<Assistant>();
    public DbSet<PhoneLine> PhoneLines => Set<PhoneLine>();
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<CampaignCount> CampaignCounts => Set<CampaignCount>();
    public DbSet<ImportMapping> ImportMappings => Set<ImportMapping>();
    public DbSet<Call> Calls => Set<Call>();
    public DbSet<CallEvent> CallEvents => Set<CallEvent>();
    public DbSet<WebhookInboxItem> WebhookInbox => Set<WebhookInboxItem>();
    public DbSet<Heartbeat> Heartbeats => Set<Heartbeat>();
    public DbSet<DncEntry> DncEntries => Set<DncEntry>();
    public DbSet<AuditLogEntry> AuditLog => Set<AuditLogEntry>();
    public DbSet<Lease> Leases => Set<Lease>();
    public DbSet<DemoMarker> DemoMarkers => Set<DemoMarker>();
    public DbSet<CallStatsCell> CallStats => Set<CallStatsCell>();
    public DbSet<CallStatsChange> CallStatsChanges => Set<CallStatsChange>();
    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();
    public DbSet<OutboxMessage> WebhookOutbox => Set<OutboxMessage>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder b)
    {
        // Every DateTime is UTC; providers hand them back unspecified, so say so on the way out.
        b.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        b.Properties<DateTime?>().HaveConversion<UtcNullableDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);

        b.Entity<AllowlistEntry>(e =>
        {
            e.ToTable("allowlist");
            e.HasIndex(x => x.Email).IsUnique();
            e.Property(x => x.Email).HasMaxLength(256);
            e.Property(x => x.Role).HasConversion<string>().HasMaxLength(16);
        });
        b.Entity<ApiToken>(e =>
        {
            e.ToTable("api_tokens");
            e.HasIndex(x => x.TokenHash).IsUnique();
            e.HasIndex(x => x.OwnerUserId);
            e.Property(x => x.Name).HasMaxLength(100);
        });
        b.Entity<Assistant>(e =>
        {
            e.ToTable("assistants");
            e.HasIndex(x => x.ProviderAssistantId).IsUnique();
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Source).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Version).IsConcurrencyToken();
        });
        b.Entity<PhoneLine>(e =>
        {
            e.ToTable("phone_lines");
            e.HasIndex(x => x.ProviderPhoneNumberId).IsUnique();
            e.Property(x => x.Number).HasMaxLength(40);
        });
        b.Entity<Campaign>(e =>
        {
            e.ToTable("campaigns");
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Mode).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => x.Status);
            e.HasIndex(x => x.OwnerId);
            e.HasIndex(x => new { x.Status, x.StartAt });
            e.HasOne<Assistant>().WithMany().HasForeignKey(x => x.AssistantId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<PhoneLine>().WithMany().HasForeignKey(x => x.PhoneLineId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<Contact>(e =>
        {
            e.ToTable("contacts");
            e.Property(x => x.Phone).HasMaxLength(40);
            e.Property(x => x.Extension).HasMaxLength(PhoneNormalizer.MaxExtension);
            e.Property(x => x.PhoneSource).HasMaxLength(ImportMapping.MaxColumnName);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.LastOutcome).HasConversion<string>().HasMaxLength(32);
            e.Property(x => x.Reason).HasConversion<string>().HasMaxLength(32);
            e.HasIndex(x => new { x.CampaignId, x.Phone }).IsUnique();
            e.HasIndex(x => new { x.CampaignId, x.State, x.RowNumber });
            e.HasIndex(x => new { x.CampaignId, x.State, x.NextAttemptAt });
            // Across campaigns: a number's live call and its calls in the last 24 hours.
            e.HasIndex(x => x.Phone);
            // The export streams a campaign's contacts in file order without sorting them.
            e.HasIndex(x => new { x.CampaignId, x.RowNumber });
            // The campaign's counters count contacts by state and last outcome from this index alone (no row read).
            e.HasIndex(x => new { x.CampaignId, x.State, x.LastOutcome });
            // The contacts table sorted by name: any page, by keyset, is a seek in this index.
            e.HasIndex(x => new { x.CampaignId, x.Name, x.RowNumber });
            e.Property(x => x.TimeZone).HasMaxLength(64);
            e.HasOne<Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<ImportMapping>(e =>
        {
            e.ToTable("import_mappings");
            e.HasIndex(x => new { x.UserId, x.HeaderKey }).IsUnique();
            e.Property(x => x.UserId).HasMaxLength(450);
            e.Property(x => x.HeaderKey).HasMaxLength(64);
        });
        b.Entity<Call>(e =>
        {
            e.ToTable("calls");
            // Two writers that both saw a call live (a webhook, the reconciler) cannot both end it: the second one's UPDATE misses.
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16).IsConcurrencyToken();
            e.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(32);
            e.HasIndex(x => x.LaunchKey).IsUnique();
            e.HasIndex(x => x.ProviderCallId).IsUnique();
            // Live calls per campaign, and the campaign's counters (calls by status and outcome, accepted, cost) read
            // from this index alone: calls rows carry transcripts, a 100,000-call campaign is hundreds of MB of them.
            e.HasIndex(x => new { x.CampaignId, x.Status, x.Outcome, x.Cost, x.ProviderCallId });
            e.HasIndex(x => x.ContactId);
            e.HasIndex(x => x.Status);
            // Analytics: the rollup rebuilds a campaign's hour; line health reads a line's recent calls.
            e.HasIndex(x => new { x.CampaignId, x.CreatedAt });
            e.HasIndex(x => new { x.PhoneLineId, x.CreatedAt });
            e.HasOne<Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Contact>().WithMany().HasForeignKey(x => x.ContactId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<CallEvent>(e =>
        {
            e.ToTable("call_events");
            e.HasIndex(x => x.DedupeKey).IsUnique();
            e.HasIndex(x => x.CallId);
            e.HasIndex(x => x.CampaignId);
        });
        b.Entity<WebhookInboxItem>(e =>
        {
            e.ToTable("webhook_inbox");
            e.HasIndex(x => new { x.ProcessedAt, x.Id });
            e.Property(x => x.TraceParent).HasMaxLength(55);
        });
        b.Entity<Heartbeat>(e =>
        {
            e.ToTable("heartbeats");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(50);
            e.HasData(new Heartbeat { Name = Heartbeat.WebhookReceived });
        });
        b.Entity<DncEntry>(e =>
        {
            e.ToTable("dnc_entries");
            e.HasIndex(x => x.Phone).IsUnique();
            e.Property(x => x.Phone).HasMaxLength(40);
        });
        b.Entity<AuditLogEntry>(e =>
        {
            e.ToTable("audit_log");
            e.HasIndex(x => x.At);
        });
        b.Entity<Lease>(e =>
        {
            e.ToTable("leases");
            e.HasKey(x => x.Name);
        });
        b.Entity<DemoMarker>(e =>
        {
            e.ToTable("demo_markers");
            e.Property(x => x.Id).ValueGeneratedNever();
        });
        b.Entity<DataProtectionKey>(e => e.ToTable("data_protection_keys"));
        CallStatsModel.Configure(b);
        CampaignCount.Configure(b, uniqueKey: Database.IsSqlite());
        WebhooksModel.Configure(b);

        ApplySnakeCase(b);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BumpVersions();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken ct = default)
    {
        BumpVersions();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
    }

    /// <summary>Optimistic concurrency: a modified campaign or assistant gets a new version; a stale writer fails.</summary>
    private void BumpVersions()
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State != EntityState.Modified) continue;
            if (entry.Entity is Campaign c) c.Version++;
            else if (entry.Entity is Assistant a) a.Version++;
        }
    }

    private static void ApplySnakeCase(ModelBuilder b)
    {
        foreach (var entity in b.Model.GetEntityTypes())
        {
            var table = entity.GetTableName();
            if (table is not null) entity.SetTableName(ToSnake(table));
            foreach (var p in entity.GetProperties()) p.SetColumnName(ToSnake(p.GetColumnName()));
            foreach (var k in entity.GetKeys()) k.SetName(ToSnake(k.GetName()!));
            foreach (var fk in entity.GetForeignKeys()) fk.SetConstraintName(ToSnake(fk.GetConstraintName()!));
            foreach (var ix in entity.GetIndexes()) ix.SetDatabaseName(ToSnake(ix.GetDatabaseName()!));
        }
    }

    internal static string ToSnake(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var ch = name[i];
            if (char.IsUpper(ch))
            {
                if (i > 0 && name[i - 1] != '_' && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                    sb.Append('_');
                sb.Append(char.ToLowerInvariant(ch));
            }
            else sb.Append(ch);
        }
        return sb.ToString();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class UtcNullableDateTimeConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v == null ? null : v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime(),
        v => v == null ? null : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));
}
