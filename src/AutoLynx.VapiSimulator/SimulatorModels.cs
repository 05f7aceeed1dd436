namespace AutoLynx.VapiSimulator;

/// <summary>A phone number the simulator owns (seeded from <see cref="SimulatorOptions.PhoneNumbers"/>).</summary>
public sealed record SimPhoneNumber(string Id, string Number, string Provider, string Name);

/// <summary>What the simulator observed; the same data as GET /_sim/stats.</summary>
public sealed record SimulatorStats(
    int MaxConcurrentAccount,
    IReadOnlyDictionary<string, int> MaxConcurrentByPhoneNumber,
    IReadOnlyDictionary<string, int> CallsByCustomerNumber,
    int ActiveCalls,
    int TotalCalls,
    int ConcurrencyBlocked,
    int ConcurrencyRejected,
    WebhookStats Webhooks);

/// <summary>Webhook delivery counts. Sent = answered 2xx; Failed = non-2xx, error or timeout; Dropped = fault-injected;
/// Duplicated = extra fault-injected copies; Skipped = no destination URL or type not in serverMessages.</summary>
public sealed record WebhookStats(long Sent, long Failed, long Dropped, long Duplicated, long Skipped);
