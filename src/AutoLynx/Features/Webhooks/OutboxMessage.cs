namespace AutoLynx.Features.Webhooks;

public enum OutboxStatus { Pending, Delivered, Failed }

/// <summary>
/// One event for one endpoint, written in the same transaction as the change it reports. The delivery worker sends a
/// campaign's messages to an endpoint in <see cref="Id"/> order, one at a time, until each is delivered or given up.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    /// <summary>The Standard Webhooks <c>webhook-id</c> ("msg_…"): the same on every attempt and on a redelivery, so receivers can dedupe.</summary>
    public required string MessageId { get; set; }
    public long EndpointId { get; set; }
    public required string EventType { get; set; }
    /// <summary>Messages of one campaign are delivered in order; null (a do-not-call entry) has no order to keep.</summary>
    public long? CampaignId { get; set; }
    /// <summary>What the event is about, for dedupe ("call.ended:42"): one message per key and endpoint.</summary>
    public string? EventKey { get; set; }
    /// <summary>The exact body sent (and signed).</summary>
    public required string Payload { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime NextAttemptAt { get; set; }
    /// <summary>After this a failed attempt gives the message up (CreatedAt + Webhooks:RetryFor, again from a redelivery).</summary>
    public DateTime RetryUntil { get; set; }
    public int Attempts { get; set; }
    public OutboxStatus Status { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public int? LastResponseCode { get; set; }
    public double? LastLatencyMs { get; set; }
    public string? LastError { get; set; }
    public DateTime? DeliveredAt { get; set; }
}
