namespace AutoLynx.Features.Webhooks;

/// <summary>One attempt to deliver one message: what the receiver answered and how long it took. Append-only.</summary>
public sealed class WebhookDelivery
{
    public long Id { get; set; }
    public long EndpointId { get; set; }
    public long MessageId { get; set; }
    public int Attempt { get; set; }
    public DateTime At { get; set; }
    public bool Succeeded { get; set; }
    /// <summary>The HTTP status, or null when no answer came (refused, timeout).</summary>
    public int? ResponseCode { get; set; }
    public double LatencyMs { get; set; }
    public string? Error { get; set; }
}
