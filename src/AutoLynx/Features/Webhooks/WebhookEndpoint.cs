namespace AutoLynx.Features.Webhooks;

/// <summary>
/// A receiver another system registered for outbound webhooks. Its signing secret is kept encrypted (ASP.NET Data
/// Protection) so deliveries can be signed; the API shows it once, in the answer to the creation.
/// </summary>
public sealed class WebhookEndpoint
{
    public long Id { get; set; }
    public required string Url { get; set; }
    /// <summary>Event types it receives, comma-separated (<see cref="WebhookEvents"/>); "*" for all.</summary>
    public required string Events { get; set; }
    public bool Enabled { get; set; }
    public string? Description { get; set; }
    /// <summary>The whsec_ secret, protected with Data Protection.</summary>
    public required string ProtectedSecret { get; set; }
    public DateTime CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Since when every attempt failed (cleared by a success); after Webhooks:RetryFor the endpoint is disabled.</summary>
    public DateTime? FailingSince { get; set; }
    public DateTime? LastSuccessAt { get; set; }
    public DateTime? DisabledAt { get; set; }
    public string? DisabledReason { get; set; }

    public IReadOnlyList<string> EventList => WebhookEvents.Split(Events);
}
