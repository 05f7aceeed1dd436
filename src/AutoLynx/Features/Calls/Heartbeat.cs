namespace AutoLynx.Features.Calls;

/// <summary>
/// A named moment that must outlive the rows it was seen in (inbox rows are pruned): when a webhook was last accepted
/// by any instance (<see cref="WebhookFreshness"/>). Only moves forward.
/// </summary>
public sealed class Heartbeat
{
    public const string WebhookReceived = "webhook-received";

    public required string Name { get; set; }
    public DateTime? At { get; set; }
}
