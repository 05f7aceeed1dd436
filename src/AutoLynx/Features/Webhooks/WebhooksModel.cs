using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Webhooks;

/// <summary>EF configuration of the outbound webhook tables.</summary>
public static class WebhooksModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<WebhookEndpoint>(e =>
        {
            e.ToTable("webhook_endpoints");
            e.Property(x => x.Url).HasMaxLength(WebhookTargetGuard.MaxUrlLength);
            e.Property(x => x.Events).HasMaxLength(500);
            e.Property(x => x.Description).HasMaxLength(200);
            e.Property(x => x.DisabledReason).HasMaxLength(500);
        });
        b.Entity<OutboxMessage>(e =>
        {
            e.ToTable("webhook_outbox");
            e.Property(x => x.MessageId).HasMaxLength(40);
            e.HasIndex(x => x.MessageId).IsUnique();
            e.Property(x => x.EventType).HasMaxLength(40);
            e.Property(x => x.EventKey).HasMaxLength(100);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.LastError).HasMaxLength(500);
            // The worker's pass: due pending messages; the head of each (endpoint, campaign) queue; the log per endpoint.
            e.HasIndex(x => new { x.Status, x.NextAttemptAt });
            e.HasIndex(x => new { x.EndpointId, x.CampaignId, x.Status, x.Id });
            e.HasIndex(x => new { x.EndpointId, x.Id });
            e.HasIndex(x => x.EventKey);
            e.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(x => x.EndpointId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<WebhookDelivery>(e =>
        {
            e.ToTable("webhook_deliveries");
            e.Property(x => x.Error).HasMaxLength(500);
            e.HasIndex(x => new { x.EndpointId, x.Id });
            e.HasIndex(x => x.MessageId);
            e.HasOne<OutboxMessage>().WithMany().HasForeignKey(x => x.MessageId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
