namespace AutoLynx.Features.Calls;

/// <summary>A webhook body accepted (stored before the 2xx), applied asynchronously by the processor.</summary>
public sealed class WebhookInboxItem
{
    public long Id { get; set; }
    public DateTime ReceivedAt { get; set; }
    public required string Body { get; set; }
    public string? MessageType { get; set; }
    public string? ProviderCallId { get; set; }
    /// <summary>The W3C traceparent of the request that delivered it: its apply and live update continue that trace.</summary>
    public string? TraceParent { get; set; }
    public DateTime? ProcessedAt { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    /// <summary>Why it was set aside (no matching call after retries, unreadable…).</summary>
    public string? Error { get; set; }
}
